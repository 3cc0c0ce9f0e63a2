import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer, type StartServerOptions } from "../index.js";
import { ATLAS, ownerOnly, writeApp } from "../../test/appDir.js";
import { TestClient, type LoginBody } from "../../test/testClient.js";
import { changeEvents, errorFrames, openWatch, type WatchConnection } from "../../test/sseClient.js";

// Watch streams against a real server: each belongs to its session, is bounded, carries heartbeats
// and resumes after the last event its client received.
const ADMIN = "watch-streams-admin";
const servers: RunningServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start(options: StartServerOptions = {}): Promise<{ server: RunningServer; c: TestClient }> {
  const server = await startServer({
    inMemory: true,
    appId: "ws",
    adminToken: ADMIN,
    allowAllData: true,
    onWarning: () => undefined,
    ...options,
  });
  servers.push(server);
  return { server, c: new TestClient(server.url, "ws") };
}

const insert = (c: TestClient, user: LoginBody, document: Record<string, unknown>, coll = "items", database = "ws") =>
  c.request("POST", c.app("/functions/call"), {
    token: user.access_token,
    body: { name: "insertOne", service: "mongodb-atlas", arguments: [{ database, collection: coll, document }] },
  });

const adminCall = (server: RunningServer, method: string, path: string) =>
  fetch(`${server.url}/admin/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` }, signal: AbortSignal.timeout(5000) });

const openStreams = async (server: RunningServer): Promise<number> =>
  ((await (await adminCall(server, "GET", "/counters")).json()) as { openStreams: number }).openStreams;

/** Waits until the server ended the stream, at most `ms`; returns the error frames it sent. */
async function endsWithin(w: WatchConnection, ms: number): Promise<{ error_code: string }[]> {
  await expect.poll(() => w.isEnded(), { timeout: ms, interval: 20, message: `the stream ends within ${ms} ms` }).toBe(true);
  return errorFrames(w);
}

describe("a stream ends with its session", () => {
  let server: RunningServer;
  let c: TestClient;
  beforeAll(async () => ({ server, c } = await start()));

  it("on logout", async () => {
    const user = await c.logIn("anon-user");
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token });
    expect(w.response.status).toBe(200);
    expect((await c.request("DELETE", "/auth/session", { token: user.refresh_token })).status).toBe(200);
    expect(await endsWithin(w, 1500)).toMatchObject([{ error_code: "InvalidSession" }]);
  });

  it("on user deletion", async () => {
    const user = await c.logIn("anon-user");
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token });
    expect((await c.request("DELETE", "/auth/delete", { token: user.access_token })).status).toBe(200);
    expect(await endsWithin(w, 1500)).toMatchObject([{ error_code: "InvalidSession" }]);
  });

  it("on session revocation, and not for another user", async () => {
    const user = await c.logIn("anon-user");
    const other = await c.logIn("anon-user");
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token });
    const bystander = await openWatch(c, { database: "ws", collection: "items" }, { token: other.access_token });
    expect((await adminCall(server, "POST", `/users/${user.user_id}/revoke-sessions`)).status).toBe(200);
    expect(await endsWithin(w, 1500)).toMatchObject([{ error_code: "InvalidSession" }]);
    expect(bystander.isEnded()).toBe(false);
    bystander.close();
  });

  it("when the API key it logged in with is disabled (the owner's own stream goes on)", async () => {
    const owner = await c.logIn("anon-user");
    const created = await c.request("POST", "/auth/api_keys", { token: owner.refresh_token, body: { name: "stream-key" } });
    const { _id, key } = created.body as { _id: string; key: string };
    const viaKey = await c.logIn("api-key", { key });
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: viaKey.access_token });
    const ownerStream = await openWatch(c, { database: "ws", collection: "items" }, { token: owner.access_token });
    expect((await c.request("PUT", `/auth/api_keys/${_id}/disable`, { token: owner.refresh_token })).status).toBe(200);
    expect(await endsWithin(w, 1500)).toMatchObject([{ error_code: "InvalidSession" }]);
    expect(ownerStream.isEnded()).toBe(false);
    ownerStream.close();
  });

  it("when its access token expires", async () => {
    const { c: short } = await start({ accessTokenTtlSeconds: 1 });
    const user = await short.logIn("anon-user");
    const w = await openWatch(short, { database: "ws", collection: "items" }, { token: user.access_token });
    expect(w.response.status).toBe(200);
    expect(await endsWithin(w, 3000)).toMatchObject([{ error_code: "InvalidSession" }]);
  });
});

describe("disabling a user (admin API)", () => {
  let server: RunningServer;
  let c: TestClient;
  beforeAll(async () => ({ server, c } = await start()));

  it("ends its streams within a second; it can neither log in, refresh nor use its access token until enabled", async () => {
    const email = "disabled@example.com";
    const password = "disabled-password";
    expect((await c.request("POST", c.app("/auth/providers/local-userpass/register"), { body: { email, password } })).status).toBe(200);
    const user = await c.logIn("local-userpass", { username: email, password });
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token });
    expect(w.response.status).toBe(200);
    expect((await adminCall(server, "PUT", `/users/${user.user_id}/disable`)).status).toBe(204);
    expect(await endsWithin(w, 1500)).toMatchObject([{ error_code: "InvalidSession" }]);

    const login = await c.request("POST", c.app("/auth/providers/local-userpass/login"), { body: { username: email, password } });
    expect(login.status).toBe(401);
    expect(login.body).toMatchObject({ error_code: "UserDisabled" });
    expect((await c.request("POST", "/auth/session", { token: user.refresh_token })).status).toBe(401);
    expect((await c.request("GET", "/auth/profile", { token: user.access_token })).status).toBe(401);
    expect((await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token })).response.status).toBe(401);

    expect((await adminCall(server, "PUT", `/users/${user.user_id}/enable`)).status).toBe(204);
    const again = await c.logIn("local-userpass", { username: email, password });
    expect(again.user_id).toBe(user.user_id);
  });

  it("answers 404 UserNotFound for an unknown user and needs the admin token", async () => {
    const res = await adminCall(server, "PUT", "/users/000000000000000000000000/disable");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error_code: "UserNotFound" });
    const user = await c.logIn("anon-user");
    const anonymous = await fetch(`${server.url}/admin/v1/users/${user.user_id}/disable`, {
      method: "PUT",
      signal: AbortSignal.timeout(5000),
    });
    expect(anonymous.status).toBe(401);
  });
});

describe("resources of a stream", () => {
  it("a client that stops reading is cut off once its unread buffer passes the bound", async () => {
    const { server, c } = await start({ config: { limits: { watchBufferBytes: 256 * 1024 } } });
    const reader = await c.logIn("anon-user");
    const writer = await c.logIn("anon-user");
    const request = Buffer.from(
      JSON.stringify({ name: "watch", arguments: [{ database: "ws", collection: "big" }], service: "mongodb-atlas" }),
    ).toString("base64");
    // a raw connection that reads nothing after the headers
    const socket = connect(server.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      `GET /api/client/v2.0/app/ws/functions/call?baas_request=${encodeURIComponent(request)} HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: Bearer ${reader.access_token}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await expect.poll(() => openStreams(server), { timeout: 5000 }).toBe(1);
    socket.pause();
    const blob = "x".repeat(512 * 1024);
    let inserted = 0;
    for (; inserted < 24 && (await openStreams(server)) > 0; inserted++) {
      expect((await insert(c, writer, { _id: inserted, blob }, "big")).status).toBe(200);
    }
    await expect.poll(() => openStreams(server), { timeout: 5000 }).toBe(0);
    // cut long before the writer was done: the socket buffers never held all of it
    expect(inserted).toBeLessThan(24);
    socket.destroy();
  });

  it("a user may hold a bounded number of streams (429 beyond)", async () => {
    const { c } = await start({ config: { limits: { watchStreamsPerUser: 2 } } });
    const user = await c.logIn("anon-user");
    const other = await c.logIn("anon-user");
    const held = [
      await openWatch(c, { database: "ws", collection: "a" }, { token: user.access_token }),
      await openWatch(c, { database: "ws", collection: "b" }, { token: user.access_token }),
    ];
    const third = await openWatch(c, { database: "ws", collection: "c" }, { token: user.access_token });
    expect(third.response.status).toBe(429);
    expect(await third.response.json()).toMatchObject({ error_code: "TooManyRequests" });
    const others = await openWatch(c, { database: "ws", collection: "c" }, { token: other.access_token });
    expect(others.response.status).toBe(200);
    others.close();
    held[0]!.close();
    await expect
      .poll(
        async () => {
          const again = await openWatch(c, { database: "ws", collection: "c" }, { token: user.access_token });
          again.close();
          return again.response.status;
        },
        { timeout: 5000 },
      )
      .toBe(200);
    held[1]!.close();
  });

  it("idle streams carry heartbeat comments", async () => {
    const { c } = await start({ config: { limits: { watchHeartbeatSeconds: 1 } } });
    const user = await c.logIn("anon-user");
    const w = await openWatch(c, { database: "ws", collection: "items" }, { token: user.access_token });
    await expect.poll(() => w.comments.filter((t) => t === "heartbeat").length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    w.close();
  });
});

describe("resuming a broken stream", () => {
  it("with Last-Event-ID: the events it missed, in order, then live ones", async () => {
    const { c } = await start();
    const user = await c.logIn("anon-user");
    const first = await openWatch(c, { database: "ws", collection: "resume" }, { token: user.access_token });
    await insert(c, user, { _id: 1 }, "resume");
    await expect.poll(() => first.messages.length).toBe(1);
    const lastId = first.messages[0]?.id;
    expect(lastId).toMatch(/^[0-9a-f]{32}$/);
    first.close();
    await insert(c, user, { _id: 2 }, "resume");
    await insert(c, user, { _id: 3 }, "resume");
    const resumed = await openWatch(c, { database: "ws", collection: "resume" }, { token: user.access_token, lastEventId: lastId ?? "" });
    await insert(c, user, { _id: 4 }, "resume");
    await expect.poll(() => changeEvents(resumed).map((e) => (e["documentKey"] as { _id: number })._id)).toEqual([2, 3, 4]);
    expect(resumed.messages.map((m) => m.id).every((id) => /^[0-9a-f]{32}$/.test(id ?? ""))).toBe(true);
    resumed.close();
  });

  it("answers 400 ChangeStreamHistoryLost for an unknown resume point, and for one older than the kept history", async () => {
    const { c } = await start({ config: { limits: { watchResumeEvents: 2 } } });
    const user = await c.logIn("anon-user");
    const unknown = await openWatch(
      c,
      { database: "ws", collection: "resume" },
      { token: user.access_token, lastEventId: "0123456789abcdef0123456789abcdef" },
    );
    expect(unknown.response.status).toBe(400);
    expect(await unknown.response.json()).toMatchObject({ error_code: "ChangeStreamHistoryLost" });

    const first = await openWatch(c, { database: "ws", collection: "resume" }, { token: user.access_token });
    await insert(c, user, { _id: 1 }, "resume");
    await expect.poll(() => first.messages.length).toBe(1);
    first.close();
    for (const _id of [2, 3, 4]) await insert(c, user, { _id }, "resume");
    const evicted = await openWatch(
      c,
      { database: "ws", collection: "resume" },
      { token: user.access_token, lastEventId: first.messages[0]?.id ?? "" },
    );
    expect(evicted.response.status).toBe(400);
    expect(await evicted.response.json()).toMatchObject({ error_code: "ChangeStreamHistoryLost" });
  });

  it("replays to an application user only what its rules let it read", async () => {
    const dir = await writeApp({
      "root_config.json": { name: "resume-rules" },
      "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/demo/todos/rules.json": ownerOnly("demo", "todos"),
    });
    dirs.push(dir);
    const { c } = await start({ appDir: dir, allowAllData: false });
    const alice = await c.logIn("anon-user");
    const bob = await c.logIn("anon-user");
    const first = await openWatch(c, { database: "demo", collection: "todos" }, { token: alice.access_token });
    expect(first.response.status).toBe(200);
    expect((await insert(c, alice, { _id: "a1", owner_id: alice.user_id }, "todos", "demo")).status).toBe(200);
    await expect.poll(() => first.messages.length).toBe(1);
    first.close();
    expect((await insert(c, bob, { _id: "b1", owner_id: bob.user_id }, "todos", "demo")).status).toBe(200);
    expect((await insert(c, alice, { _id: "a2", owner_id: alice.user_id }, "todos", "demo")).status).toBe(200);
    const resumed = await openWatch(
      c,
      { database: "demo", collection: "todos" },
      { token: alice.access_token, lastEventId: first.messages[0]?.id ?? "" },
    );
    expect(resumed.response.status).toBe(200);
    expect((await insert(c, alice, { _id: "a3", owner_id: alice.user_id }, "todos", "demo")).status).toBe(200);
    await expect.poll(() => changeEvents(resumed).map((e) => (e["documentKey"] as { _id: string })._id)).toEqual(["a2", "a3"]);
    resumed.close();
  });
});
