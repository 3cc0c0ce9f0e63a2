/**
 * Measures how the server holds up against hostile queries, for docs/reliability.md. It spawns the
 * compiled CLI (so the figures are the server process's own, with `--allow-all-data` so that a
 * client may send every query operator) and prints one line per figure.
 *
 *   npm run build && npx tsx server/test/hostileProbe.ts [--entry path/to/cli.js]
 *
 * `--entry` runs another build of the CLI (e.g. an older commit's) for a side-by-side.
 * @packageDocumentation
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startCli } from "./cli.js";
import { TestClient, type LoginBody } from "./testClient.js";

const { values } = parseArgs({ options: { entry: { type: "string" } } });
const children: ChildProcessWithoutNullStreams[] = [];
const EVIL = `${"a".repeat(32)}!`;
/** A stage that is not linear by construction, so its pipeline runs on a query thread. */
const THREADED = { $addFields: { threaded: true } };

const rssMb = (pid: number): number => {
  const line =
    readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:")) ?? "VmRSS: 0 kB";
  return Math.round(Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024);
};
const pct = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
};
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
};

async function main(): Promise<void> {
  const cli = await startCli(["--in-memory", "--port", "0", "--app-id", "probe", "--allow-all-data"], children, {
    entry: values.entry ?? "server/dist/cli.js",
    timeoutMs: 60_000,
  });
  const pid = cli.child.pid ?? 0;
  const c = new TestClient(cli.url, "probe");
  const mongo = (user: LoginBody, name: string, arg: Record<string, unknown>, coll = "items") =>
    c.request("POST", c.app("/functions/call"), {
      token: user.access_token,
      timeoutMs: 120_000,
      body: { name, service: "mongodb-atlas", arguments: [{ database: "probe", collection: coll, ...arg }] },
    });
  const a = await c.logIn("anon-user");
  const b = await c.logIn("anon-user");
  const docs = [{ _id: 1, s: EVIL }, ...Array.from({ length: 999 }, (_, i) => ({ _id: i + 2, s: `doc ${i}`, n: i }))];
  await mongo(a, "insertMany", { documents: docs });
  console.log(`server RSS after start and 1,000 documents: ${rssMb(pid)} MB`);

  // Normal operation: a find by _id (main thread), an aggregate (query thread), inserts, pings.
  const finds: number[] = [];
  const aggregates: number[] = [];
  const inserts: number[] = [];
  const pings: number[] = [];
  for (let i = 0; i < 200; i++) finds.push((await timed(() => mongo(a, "find", { query: { _id: (i % 1000) + 1 } })))[1]);
  for (let i = 0; i < 200; i++)
    aggregates.push((await timed(() => mongo(a, "aggregate", { pipeline: [{ $match: { _id: (i % 1000) + 1 } }, THREADED] })))[1]);
  for (let i = 0; i < 200; i++) inserts.push((await timed(() => mongo(a, "insertOne", { document: { k: i } }, "writes")))[1]);
  for (let i = 0; i < 100; i++) pings.push((await timed(() => c.request("GET", c.app("/location"))))[1]);
  console.log(`find by _id (1,000 docs), 200 sequential: p50 ${pct(finds, 0.5)} ms, p95 ${pct(finds, 0.95)} ms`);
  console.log(
    `aggregate $match by _id + $addFields (query thread), 200 sequential: p50 ${pct(aggregates, 0.5)} ms, p95 ${pct(aggregates, 0.95)} ms`,
  );
  console.log(`insertOne, 200 sequential: p50 ${pct(inserts, 0.5)} ms, p95 ${pct(inserts, 0.95)} ms`);
  console.log(`/location, 100 sequential: p50 ${pct(pings, 0.5)} ms, p95 ${pct(pings, 0.95)} ms`);

  // A catastrophic regex, and another client meanwhile.
  const hostile = timed(() => mongo(a, "find", { query: { s: { $regex: "^(a+)+$" } } }));
  const others: number[] = [];
  let settled = false;
  void hostile.finally(() => (settled = true));
  while (!settled && others.length < 20_000) {
    others.push((await timed(() => c.request("GET", c.app("/location"))))[1]);
    others.push((await timed(() => mongo(b, "find", { query: { _id: 2 } })))[1]);
    others.push((await timed(() => mongo(b, "aggregate", { pipeline: [{ $match: { _id: 3 } }, THREADED] })))[1]);
  }
  const [res, ms] = await hostile;
  const code = (res.body as { error_code?: string }).error_code ?? "";
  console.log(
    `catastrophic regex find: ${res.status} ${code} after ${Math.round(ms)} ms; meanwhile ${others.length} other requests: p50 ${pct(others, 0.5)} ms, p95 ${pct(others, 0.95)} ms, max ${pct(others, 1)} ms`,
  );

  // Allocation bombs.
  for (const [label, pipeline] of [
    ["$size of $range [0, 2e8]", [{ $project: { x: { $size: { $range: [0, 2e8] } } } }]],
    [
      "$reduce doubling a string 60 times ($concat)",
      [
        { $limit: 1 },
        { $project: { x: { $reduce: { input: { $range: [0, 60] }, initialValue: "ab", in: { $concat: ["$$value", "$$value"] } } } } },
      ],
    ],
    [
      "$reduce doubling an array 60 times",
      [
        { $limit: 1 },
        {
          $project: {
            x: { $reduce: { input: { $range: [0, 60] }, initialValue: [0, 1, 2, 3], in: { $concatArrays: ["$$value", "$$value"] } } },
          },
        },
      ],
    ],
    [
      "$map of a million $range of 1,000 (heap bomb)",
      [{ $limit: 1 }, { $project: { x: { $map: { input: { $range: [0, 1_000_000] }, in: { $range: [0, 1000] } } } } }],
    ],
  ] as const) {
    const [bomb, bombMs] = await timed(() => mongo(a, "aggregate", { pipeline }));
    console.log(`${label}: ${bomb.status} after ${Math.round(bombMs)} ms; server RSS ${rssMb(pid)} MB`);
  }

  // A hostile watch filter and another user's inserts.
  const usual: number[] = [];
  for (let i = 0; i < 20; i++) usual.push((await timed(() => mongo(b, "insertOne", { document: { s: EVIL } }, "watched")))[1]);
  const filter = { "fullDocument.s": { $regex: "^(a+)+$" } };
  const request = Buffer.from(
    JSON.stringify({ name: "watch", arguments: [{ database: "probe", collection: "watched", filter }], service: "mongodb-atlas" }),
  ).toString("base64");
  const stream = await fetch(`${c.api}${c.app(`/functions/call?baas_request=${encodeURIComponent(request)}`)}`, {
    headers: { authorization: `Bearer ${a.access_token}` },
  });
  const streamBody = stream.text();
  const watched: number[] = [];
  for (let i = 0; i < 20; i++) watched.push((await timed(() => mongo(b, "insertOne", { document: { s: EVIL } }, "watched")))[1]);
  const [text, streamMs] = await timed(() => streamBody);
  console.log(
    `insertOne, 20 sequential: p50 ${pct(usual, 0.5)} ms, max ${pct(usual, 1)} ms without a watch stream; with a catastrophic watch filter open: p50 ${pct(watched, 0.5)} ms, max ${pct(watched, 1)} ms; the hostile stream ended ${text.includes("event: error") ? "with an error event" : "without an error event"} ${Math.round(streamMs)} ms after the inserts`,
  );
  console.log(`server RSS at the end: ${rssMb(pid)} MB`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill("SIGTERM");
  });
