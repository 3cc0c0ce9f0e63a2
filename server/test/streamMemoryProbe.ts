/**
 * Measures the server's memory under watch streams that never read: starts the CLI (in memory,
 * `--allow-all-data`) as a child process, opens 50 watch streams on raw sockets that stop reading
 * after the headers, inserts ten documents of 1 MiB, and prints the child's resident memory
 * (VmRSS, and its peak VmHWM) before, with the streams open, and after the inserts.
 *
 * Usage: `node --import tsx server/test/streamMemoryProbe.ts [path/to/cli.ts]` (default: this
 * tree's server/src/cli.ts). Linux only (reads /proc).
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { startCli } from "./cli.js";
import { TestClient, type LoginBody } from "./testClient.js";

const STREAMS = 50;
const INSERTS = 10;
const DOC_BYTES = 1024 * 1024;
const ADMIN = "stream-memory-probe";

function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? "0");
  return { rssMb: Math.round(kb("VmRSS") / 1024), peakMb: Math.round(kb("VmHWM") / 1024) };
}

async function openStalledStream(port: number, token: string): Promise<Socket> {
  const request = Buffer.from(
    JSON.stringify({ name: "watch", arguments: [{ database: "probe", collection: "big" }], service: "mongodb-atlas" }),
  ).toString("base64");
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  socket.write(
    `GET /api/client/v2.0/app/probe/functions/call?baas_request=${encodeURIComponent(request)} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  // read the response headers, then stop reading for good
  await new Promise<void>((resolve) => socket.once("data", () => resolve()));
  socket.pause();
  socket.on("error", () => undefined);
  return socket;
}

async function main(): Promise<void> {
  const entry = process.argv[2] ?? "server/src/cli.ts";
  const children: Parameters<typeof startCli>[1] = [];
  const cli = await startCli(
    ["--in-memory", "--port", "0", "--app-id", "probe", "--allow-all-data", "--admin-token", ADMIN, "--access-token-ttl", "3600"],
    children,
    { entry },
  );
  const pid = cli.child.pid ?? 0;
  try {
    const c = new TestClient(cli.url, "probe");
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1500));
    await settle();
    const start = memory(pid);
    const users: LoginBody[] = [];
    for (let i = 0; i < STREAMS; i++) users.push(await c.logIn("anon-user"));
    const port = Number(new URL(cli.url).port);
    const sockets = await Promise.all(users.map((u) => openStalledStream(port, u.access_token)));
    await settle();
    const open = memory(pid);
    const writer = await c.logIn("anon-user");
    const blob = "x".repeat(DOC_BYTES);
    let failed = 0;
    for (let i = 0; i < INSERTS; i++) {
      const res = await c.request("POST", c.app("/functions/call"), {
        token: writer.access_token,
        body: { name: "insertOne", service: "mongodb-atlas", arguments: [{ database: "probe", collection: "big", document: { i, blob } }] },
        timeoutMs: 60_000,
      });
      if (res.status !== 200) failed += 1;
    }
    await settle();
    const after = memory(pid);
    const counters = (await c.request("GET", `${cli.url}/admin/v1/counters`, { headers: { authorization: `Bearer ${ADMIN}` } })).body as {
      openStreams?: number;
    };
    process.stdout.write(
      `${JSON.stringify({
        entry,
        streams: STREAMS,
        inserts: INSERTS,
        failedInserts: failed,
        rssMb: { started: start.rssMb, streamsOpen: open.rssMb, afterInserts: after.rssMb },
        peakRssMb: after.peakMb,
        streamsStillOpen: counters.openStreams,
      })}\n`,
    );
    for (const s of sockets) s.destroy();
  } finally {
    cli.child.kill("SIGTERM");
    await cli.exited;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
