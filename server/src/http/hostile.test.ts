/**
 * Hostile queries through HTTP, from clients and from a system function: the hostile request ends
 * with an App Services error within the query time limit, other clients are answered while it
 * runs, the server survives, and a watch stream with a catastrophic filter neither slows another
 * user's insert nor stalls (it ends with an error event).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATLAS } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";
import { startServer, type RunningServer } from "../index.js";

const QUERY_TIMEOUT_MS = 2000;
// 32 letters: about 20 s of backtracking for the PCRE translation of REGEX (0.7 s at 27), far over the limit
const EVIL = `${"a".repeat(32)}!`;
const REGEX = "^(a+)+$";
const limits = { queryTimeoutMs: QUERY_TIMEOUT_MS, queryThreads: 4 };
/** A stage that is not linear by construction, so its pipeline runs on a query thread. */
const THREADED = { $addFields: { threaded: true } };

type Response = { status: number; body: unknown };

/** A server with allowAllData (clients may use every query operator) and its clients. */
let open: RunningServer;
let oc: TestClient;
/** A server running an exported app: rules for users, a function that runs as system. */
let ruled: AppServer | undefined;
let rc: TestClient;

const mongo = (c: TestClient, user: LoginBody, name: string, arg: Record<string, unknown>, coll = "items"): Promise<Response> =>
  c.request("POST", c.app("/functions/call"), {
    token: user.access_token,
    body: { name, service: "mongodb-atlas", arguments: [{ database: "hostile", collection: coll, ...arg }] },
    timeoutMs: 30_000,
  });

beforeAll(async () => {
  open = await startServer({ inMemory: true, appId: "hostile", allowAllData: true, onWarning: () => undefined, config: { limits } });
  oc = new TestClient(open.url, "hostile");
  ruled = await startAppServer(
    {
      "root_config.json": { name: "hostile-app" },
      "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
      "functions/config.json": [{ name: "evilSearch", run_as_system: true }],
      "functions/evilSearch.js": `exports = function () {
      return context.services.get("mongodb-atlas").db("hostile").collection("items").find({ s: { $regex: "${REGEX}" } });
    };`,
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/default_rule.json": {
        roles: [{ name: "everyone", apply_when: {}, read: true, write: true, insert: true, delete: true }],
      },
    },
    { config: { limits } },
  );
  rc = new TestClient(ruled.server.url, "hostile-app");
}, 60_000);
afterAll(async () => {
  await open?.close();
  await ruled?.close();
});

/** Seeds the two documents, and starts two query threads so a hostile query leaves one free. */
async function seed(c: TestClient, user: LoginBody): Promise<void> {
  const docs = [
    { _id: 1, s: EVIL },
    { _id: 2, s: "ok" },
  ];
  expect((await mongo(c, user, "insertMany", { documents: docs })).status).toBe(200);
  await Promise.all([
    mongo(c, user, "aggregate", { pipeline: [THREADED] }),
    mongo(c, user, "aggregate", { pipeline: [THREADED] }, "other"),
  ]);
}

/** Starts a hostile request and checks, while it is still running, that another client is answered. */
async function othersAnsweredWhile(c: TestClient, bystander: LoginBody, hostile: Promise<Response>): Promise<Response> {
  let settled = false;
  const tracked = hostile.finally(() => (settled = true));
  const started = performance.now();
  const location = await c.request("GET", c.app("/location"));
  const read = await mongo(c, bystander, "find", { query: { _id: 2 } });
  const computed = await mongo(c, bystander, "aggregate", { pipeline: [{ $match: { _id: 2 } }, THREADED] });
  const answeredMs = performance.now() - started;
  expect(location.status).toBe(200);
  expect(read.body).toEqual([{ _id: 2, s: "ok" }]);
  expect(computed.body).toEqual([{ _id: 2, s: "ok", threaded: true }]);
  expect(settled, "the hostile request was still running while the others were answered").toBe(false);
  expect(answeredMs).toBeLessThan(QUERY_TIMEOUT_MS);
  return tracked;
}

function expectTimeLimitError(res: Response): void {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error_code: "MongoDBError", error: expect.stringMatching(/time limit.*2000 ms/) });
}

describe("hostile queries through HTTP", () => {
  it("a catastrophic regex from a client: 400 within the limit, others answered meanwhile, the server survives", async () => {
    const attacker = await oc.logIn("anon-user");
    const bystander = await oc.logIn("anon-user");
    await seed(oc, bystander);
    const started = performance.now();
    const res = await othersAnsweredWhile(oc, bystander, mongo(oc, attacker, "find", { query: { s: { $regex: REGEX } } }));
    expectTimeLimitError(res);
    expect(performance.now() - started).toBeLessThan(QUERY_TIMEOUT_MS + 2000);
    expect((await oc.request("GET", oc.app("/location"))).status).toBe(200);
    expect((await mongo(oc, bystander, "count", {})).body).toBe(2);
  });

  it("the same regex from a system function, and $regexMatch from a user under rules", async () => {
    const attacker = await rc.logIn("anon-user");
    const bystander = await rc.logIn("anon-user");
    await seed(rc, bystander);
    const call = rc.request("POST", rc.app("/functions/call"), {
      token: attacker.access_token,
      body: { name: "evilSearch", arguments: [] },
      timeoutMs: 30_000,
    });
    expectTimeLimitError(await othersAnsweredWhile(rc, bystander, call));
    const pipeline = [{ $project: { m: { $regexMatch: { input: "$s", regex: REGEX } } } }];
    expectTimeLimitError(await othersAnsweredWhile(rc, bystander, mongo(rc, attacker, "aggregate", { pipeline })));
    // Rules still refuse what App Services keeps for system code.
    const refused = await mongo(rc, attacker, "find", { query: { s: { $regex: REGEX } } });
    expect(refused.status).toBe(400);
  });

  it("$range, $size and $concat bombs answer 400 and the process lives", async () => {
    const attacker = await oc.logIn("anon-user");
    for (const x of [
      { $size: { $range: [0, 2e8] } },
      { $reduce: { input: { $range: [0, 60] }, initialValue: "ab", in: { $concat: ["$$value", "$$value"] } } },
    ]) {
      const res = await mongo(oc, attacker, "aggregate", { pipeline: [{ $project: { x } }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: "MongoDBError", error: expect.stringMatching(/limit is/) });
    }
    expect((await mongo(oc, attacker, "count", {})).body).toBe(2);
  });

  it("a watch stream with a catastrophic filter: another user's insert keeps its latency, the stream ends with an error event", async () => {
    const watcher = await oc.logIn("anon-user");
    const writer = await oc.logIn("anon-user");
    const insert = async (i: number): Promise<number> => {
      const started = performance.now();
      expect((await mongo(oc, writer, "insertOne", { document: { _id: i, s: EVIL } }, "watched")).status).toBe(200);
      return performance.now() - started;
    };
    const usual: number[] = [];
    for (let i = 0; i < 5; i++) usual.push(await insert(i));
    const stream = await openWatch(watcher, {
      database: "hostile",
      collection: "watched",
      filter: { "fullDocument.s": { $regex: REGEX } },
    });
    const withStream: number[] = [];
    for (let i = 5; i < 10; i++) withStream.push(await insert(i));
    // The insert does not wait for the filter: its latency stays far below the filter's time limit.
    expect(Math.max(...withStream)).toBeLessThan(Math.max(200, 4 * Math.max(...usual)));
    await expect
      .poll(() => stream.messages.find((m) => m.event === "error")?.data, { timeout: QUERY_TIMEOUT_MS * 4 })
      .toMatch(/time limit/);
    stream.abort();
  });
});

async function openWatch(user: LoginBody, args: Record<string, unknown>): Promise<{ messages: EventSourceMessage[]; abort(): void }> {
  const request = Buffer.from(JSON.stringify({ name: "watch", arguments: [args], service: "mongodb-atlas" })).toString("base64");
  const controller = new AbortController();
  const response = await fetch(`${oc.api}${oc.app(`/functions/call?baas_request=${encodeURIComponent(request)}`)}`, {
    headers: { accept: "text/event-stream", authorization: `Bearer ${user.access_token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m) });
  const body = response.body;
  if (body !== null) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        parser.feed(value);
      }
    })();
  }
  return { messages, abort: () => controller.abort() };
}
