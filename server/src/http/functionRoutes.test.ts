import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EJSON, ObjectId } from "bson";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../index.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";

const ADMIN = "functions-admin-token";
let dir: string;
let server: RunningServer;
let c: TestClient;
let user: LoginBody;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-fn-"));
  await writeFile(join(dir, "sum.js"), "exports = function (a, b) { return a + b; };");
  await writeFile(join(dir, "whoami.js"), "exports = function () { return context.user.id; };");
  await writeFile(join(dir, "echo.js"), "exports = function (x) { return x; };");
  server = await startServer({
    inMemory: true,
    appId: "fn",
    functionsDir: dir,
    adminToken: ADMIN,
    allowAllData: true,
    onWarning: () => undefined,
  });
  c = new TestClient(server.url, "fn");
  user = await c.logIn("anon-user");
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (body: unknown, token = user.access_token) => c.request("POST", c.app("/functions/call"), { token, body });

describe("POST functions/call", () => {
  it("runs a user function with canonical EJSON in and out", async () => {
    const res = await call({ name: "sum", arguments: [1, 2.5] });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.text).toBe('{"$numberDouble":"3.5"}');
    expect((await call({ name: "whoami", arguments: [] })).body).toBe(user.user_id);
  });

  it("round-trips BSON types", async () => {
    const value = { when: new Date(0), oid: new ObjectId(), n: 7 };
    const res = await call({ name: "echo", arguments: [value] });
    expect(res.text).toContain('"$date":{"$numberLong":"0"}');
    expect(res.body).toEqual(value);
  });

  it("answers 404 FunctionNotFound for an unknown function", async () => {
    const res = await call({ name: "nope", arguments: [] });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error_code: "FunctionNotFound" });
  });

  it("routes calls with a service to the MongoDB service, and unknown services to 404 ServiceNotFound", async () => {
    const args = [{ database: "d", collection: "c", document: { x: 1 } }];
    const ok = await call({ name: "insertOne", service: "mongodb-atlas", arguments: args });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ insertedId: expect.any(ObjectId) });
    const missing = await call({ name: "insertOne", service: "mongo-db", arguments: args });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: "ServiceNotFound" });
  });

  it("needs a valid access token", async () => {
    expect((await call({ name: "sum", arguments: [1, 2] }, user.refresh_token)).status).toBe(401);
    expect((await c.request("POST", c.app("/functions/call"), { body: { name: "sum", arguments: [] } })).status).toBe(401);
  });

  it.each([{}, { name: 5 }, { name: "sum", arguments: "x" }, { name: "" }, [], "text"])("refuses body %j with 400", async (body) => {
    const res = await call(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: expect.any(String), error_code: expect.any(String) });
  });
});

/** An open SSE stream and the messages received on it. */
interface Stream {
  messages: EventSourceMessage[];
  /** Resolves once `n` messages arrived (deadline 5 s). */
  waitFor(n: number): Promise<void>;
  close(): void;
  response: Response;
}

async function openWatch(args: Record<string, unknown>, auth: { header?: string; query?: string }): Promise<Stream> {
  const request = Buffer.from(
    JSON.stringify({ name: "watch", arguments: [EJSON.serialize(args, { relaxed: false })], service: "mongodb-atlas" }),
  ).toString("base64");
  const query = `baas_request=${encodeURIComponent(request)}${auth.query === undefined ? "" : `&baas_at=${auth.query}`}`;
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (auth.header !== undefined) headers["authorization"] = `Bearer ${auth.header}`;
  const response = await fetch(`${c.api}${c.app(`/functions/call?${query}`)}`, { headers, signal: controller.signal });
  const messages: EventSourceMessage[] = [];
  const waiters: (() => void)[] = [];
  const parser = createParser({
    onEvent: (m) => {
      messages.push(m);
      waiters.splice(0).forEach((w) => w());
    },
  });
  if (response.ok && response.body !== null) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        parser.feed(value);
      }
    })();
  }
  const waitFor = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} messages, got ${messages.length}`)), 5000);
      const check = () => (messages.length >= n ? (clearTimeout(timer), resolve()) : waiters.push(check));
      check();
    });
  return { messages, waitFor, close: () => controller.abort(), response };
}

/** The client-side decoding realm-web applies to SSE data. */
const unescapeSse = (data: string) => data.replace(/%(25|0A|0D)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const counters = async () => {
  const res = await fetch(`${server.url}/admin/v1/counters`, {
    headers: { authorization: `Bearer ${ADMIN}` },
    signal: AbortSignal.timeout(5000),
  });
  return (await res.json()) as { openStreams: number };
};

/** Waits (5 s deadline) until `condition` holds. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  await expect.poll(condition, { timeout: 5000, interval: 20, message: what }).toBe(true);
}

describe("GET functions/call (watch over SSE)", () => {
  it("streams change events as escaped canonical EJSON, token in the header", async () => {
    const stream = await openWatch({ database: "w", collection: "items" }, { header: user.access_token });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
    await until(async () => (await counters()).openStreams === 1, "stream registered");
    await call({
      name: "insertOne",
      service: "mongodb-atlas",
      arguments: [{ database: "w", collection: "items", document: { _id: 1, text: "50%\nline\r" } }],
    });
    await call({
      name: "updateOne",
      service: "mongodb-atlas",
      arguments: [{ database: "w", collection: "items", query: { _id: 1 }, update: { $set: { n: 2 } } }],
    });
    await stream.waitFor(2);
    const [insert, update] = stream.messages.map((m) => m.data);
    // JSON escapes the newlines itself; the server escapes the `%`.
    expect(insert).toContain("50%25\\nline\\r");
    const decoded = EJSON.parse(unescapeSse(insert ?? "")) as { operationType: string; fullDocument: { text: string } };
    expect(decoded).toMatchObject({ operationType: "insert", fullDocument: { text: "50%\nline\r" } });
    expect(insert).toContain('"$numberInt"');
    expect(EJSON.parse(update ?? "")).toMatchObject({ operationType: "update", updateDescription: { updatedFields: { n: 2 } } });
    stream.close();
    await until(async () => (await counters()).openStreams === 0, "stream cleaned up after the client disconnected");
  });

  it("accepts the token as baas_at and applies ids", async () => {
    const stream = await openWatch({ database: "w", collection: "ids", ids: [2] }, { query: user.access_token });
    expect(stream.response.status).toBe(200);
    await until(async () => (await counters()).openStreams === 1, "stream registered");
    for (const _id of [1, 2]) {
      await call({ name: "insertOne", service: "mongodb-atlas", arguments: [{ database: "w", collection: "ids", document: { _id } }] });
    }
    await stream.waitFor(1);
    expect(EJSON.parse(stream.messages[0]?.data ?? "")).toMatchObject({ documentKey: { _id: 2 } });
    stream.close();
    await until(async () => (await counters()).openStreams === 0, "stream cleaned up");
  });

  it("answers 401 without a token or with a bad one, and 400 for a bad baas_request", async () => {
    expect((await openWatch({ database: "w", collection: "x" }, {})).response.status).toBe(401);
    expect((await openWatch({ database: "w", collection: "x" }, { query: "bad" })).response.status).toBe(401);
    for (const q of [
      "",
      "baas_request=%%%",
      "baas_request=bm90IGpzb24=",
      `baas_request=${Buffer.from('{"name":"watch","arguments":[]}').toString("base64")}`,
    ]) {
      const res = await c.request("GET", c.app(`/functions/call?${q}`), { token: user.access_token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: expect.any(String), error_code: expect.any(String) });
    }
    const other = Buffer.from(JSON.stringify({ name: "watch", arguments: [{ database: "d", collection: "c" }], service: "nope" })).toString(
      "base64",
    );
    expect((await c.request("GET", c.app(`/functions/call?baas_request=${other}`), { token: user.access_token })).status).toBe(404);
  });

  it("ends open streams when the server closes", async () => {
    const own = await startServer({ inMemory: true, appId: "fn", allowAllData: true, onWarning: () => undefined });
    const oc = new TestClient(own.url, "fn");
    const login = await oc.logIn("anon-user");
    const request = Buffer.from(
      JSON.stringify({ name: "watch", arguments: [{ database: "d", collection: "c" }], service: "mongodb-atlas" }),
    ).toString("base64");
    const res = await fetch(`${oc.api}${oc.app(`/functions/call?baas_request=${request}`)}`, {
      headers: { authorization: `Bearer ${login.access_token}` },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    const body = res.text();
    await own.close();
    await expect(body).resolves.toContain(": stream open");
  });
});
