/**
 * App and User against an in-process runtime reached over a real MessageChannel + Comlink, with
 * hints on a real BroadcastChannel. The runtime here is a small in-memory test double of
 * `SessionApi` (no server): it checks the tab side's wiring, not the worker's logic.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ObjectId } from "bson";
import { App } from "./app.js";
import { Credentials } from "./credentials.js";
import { isMongoDBRealmError } from "./protocol/encodeError.js";
import { PROTOCOL_VERSION } from "./protocol/events.js";
import { exposeSession } from "./protocol/expose.js";
import type { ConnectReply, ConnectRequest, SessionApi } from "./protocol/rpc.js";
import { BASE, MemoryRuntime, closeAll, tabs, tracked } from "../test/memory-runtime.js";

const { ports, apps, runtimes } = tracked;

afterEach(closeAll);

describe("App and User over a MessageChannel", () => {
  it("logs in in one tab; the other tab sees the same user with the same tokens", async () => {
    const {
      apps: [a, b],
    } = tabs(2);
    await Promise.all([a!.ready, b!.ready]);
    expect(a!.currentUser).toBeNull();
    const user = await a!.logIn(Credentials.anonymous());
    expect(a!.currentUser).toBe(user);
    expect(a!.allUsers[user.id]).toBe(user);
    await vi.waitFor(() => expect(b!.currentUser?.id).toBe(user.id));
    const other = b!.currentUser!;
    expect(other).toBe(b!.allUsers[user.id]);
    expect(other.accessToken).toBe(user.accessToken);
    expect(other.isLoggedIn).toBe(true);
    expect(other.profile).toEqual({ name: "Ada" });
    expect(other.identities).toEqual([{ id: `i${user.id}`, providerType: "anon-user" }]);
    expect(other.customData).toEqual({ born: new Date(0), n: 1 });
    expect(other.deviceId).toBe("d1");
    expect(other.providerType).toBe("anon-user");
  });

  it("fires user listeners once per tab on a token refresh, and app listeners on logout", async () => {
    const {
      apps: [a, b],
    } = tabs(2);
    const user = await a!.logIn(Credentials.anonymous());
    await vi.waitFor(() => expect(b!.currentUser).not.toBeNull());
    const fired = { a: 0, b: 0, appA: 0, appB: 0 };
    user.addListener(() => {
      fired.a += 1;
    });
    b!.currentUser!.addListener(() => {
      fired.b += 1;
    });
    a!.addListener(() => {
      fired.appA += 1;
    });
    b!.addListener(() => {
      fired.appB += 1;
    });
    await b!.currentUser!.refreshAccessToken();
    await vi.waitFor(() => expect(fired).toMatchObject({ a: 1, b: 1 }));
    expect(fired).toMatchObject({ appA: 0, appB: 0 });
    await b!.currentUser!.logOut();
    await vi.waitFor(() => expect(fired).toEqual({ a: 2, b: 2, appA: 1, appB: 1 }));
    expect(user.isLoggedIn).toBe(false);
    expect(user.state).toBe("LoggedOut");
    expect(a!.currentUser).toBeNull();
  });

  it("calls functions with canonical EJSON and decodes results; server errors keep their fields", async () => {
    const {
      runtime,
      apps: [a],
    } = tabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    const f = user.functions.sum!;
    const result = (await f(1, { d: new Date(0), skip: undefined })) as { sum: number; id: ObjectId };
    expect(runtime.calls).toEqual([{ name: "sum", argsEJSON: '[{"$numberInt":"1"},{"d":{"$date":{"$numberLong":"0"}}}]' }]);
    expect(result.sum).toBe(3);
    expect(result.id).toBeInstanceOf(ObjectId);
    const error = await user.callFunction("missing").catch((e: unknown) => e);
    expect(isMongoDBRealmError(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 404, errorCode: "FunctionNotFound" });
  });

  it("refreshCustomData returns the new custom data; removeUser makes the user Removed everywhere", async () => {
    const {
      apps: [a, b],
    } = tabs(2);
    const user = await a!.logIn(Credentials.anonymous());
    expect(await user.refreshCustomData()).toEqual({ n: 2 });
    await vi.waitFor(() => expect(b!.currentUser?.customData).toEqual({ n: 2 }));
    const seenInB = b!.currentUser!;
    await a!.removeUser(user);
    expect(user.state).toBe("Removed");
    await vi.waitFor(() => expect(seenInB.state).toBe("Removed"));
    expect(b!.allUsers).toEqual({});
  });

  it("switchUser changes currentUser in every tab and refuses users of another app", async () => {
    const {
      apps: [a, b],
    } = tabs(2);
    const first = await a!.logIn(Credentials.anonymous(false));
    await a!.logIn(Credentials.anonymous(false));
    await a!.switchUser(first);
    expect(a!.currentUser).toBe(first);
    expect(Object.keys(a!.allUsers)).toEqual(["u2", "u1"]);
    await vi.waitFor(() => expect(b!.currentUser?.id).toBe(first.id));
    const {
      apps: [foreign],
    } = tabs(1);
    const stranger = await foreign!.logIn(Credentials.anonymous());
    expect(() => a!.switchUser(stranger)).toThrow(expect.objectContaining({ code: "user-not-found" })); // synchronously, as realm-web
  });

  it("hides the refresh token unless the app opted in", async () => {
    const {
      apps: [hidden],
    } = tabs(1);
    const {
      apps: [shown],
    } = tabs(1, { exposeRefreshToken: true });
    expect((await hidden!.logIn(Credentials.anonymous())).refreshToken).toBeNull();
    expect((await shown!.logIn(Credentials.anonymous())).refreshToken).toBe("rt-u1");
  });

  it("rejects ready with a retryable timeout when the runtime never answers", async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const app = new App({ id: "silent", baseUrl: BASE, worker: () => port2, timeoutMs: 50 });
    apps.push(app);
    await expect(app.ready).rejects.toMatchObject({ code: "timeout", retryable: true });
    await expect(app.logIn(Credentials.anonymous())).rejects.toMatchObject({ code: "timeout" });
  });

  it("tells the runtime its deadline of a call (timeoutMs, default 30 s), which its function calls' requests get too", async () => {
    const seen: unknown[] = [];
    for (const timeoutMs of [undefined, 120_000]) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      const connect = (request: ConnectRequest): Promise<ConnectReply> => {
        seen.push(request.config.callTimeoutMs);
        return new Promise(() => undefined); // never answers: only the request matters here
      };
      exposeSession({ connect } as unknown as SessionApi, port1);
      apps.push(new App({ id: "deadline", baseUrl: BASE, worker: () => port2, ...(timeoutMs === undefined ? {} : { timeoutMs }) }));
      await vi.waitFor(() => expect(seen).toHaveLength(timeoutMs === undefined ? 1 : 2));
    }
    // a second less than the tab's own, so that the runtime's error (it names the request) comes first
    expect(seen).toEqual([29_000, 119_000]);
  });

  /** Runs `body` with realm-web's keys of one anonymous user in a stubbed localStorage, and console.warn silenced. */
  async function withRealmWebSession(body: (keys: Map<string, string>) => Promise<void>): Promise<void> {
    const P = "realm-web:app(test-app):";
    const keys = new Map<string, string>([
      [`${P}userIds`, JSON.stringify(["u1"])],
      [`${P}user(u1):providerType`, "anon-user"],
    ]);
    vi.stubGlobal("localStorage", { getItem: (k: string) => keys.get(k) ?? null, removeItem: (k: string) => void keys.delete(k) });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await body(keys);
    } finally {
      warn.mockRestore();
      vi.unstubAllGlobals();
    }
  }

  it("a failed realm-web import warns and keeps the keys, and app.ready still resolves", async () => {
    await withRealmWebSession(async (keys) => {
      const {
        apps: [app],
      } = tabs(1); // the in-memory runtime fails every import
      await expect(app!.ready).resolves.toBeUndefined();
      expect(app!.migrationError).toBeInstanceOf(Error);
      expect(console.warn).toHaveBeenCalledWith(expect.stringContaining("realm-web"), expect.anything());
      expect([...keys.keys()]).toHaveLength(2);
    });
  });

  it("on the first start after realm-web, a login made at once reaches the runtime after the import of realm-web's users", async () => {
    await withRealmWebSession(async () => {
      const {
        runtime,
        apps: [app],
      } = tabs(1); // the in-memory runtime fails every import: the login still waits for it
      // as `app.currentUser ?? await app.logIn(Credentials.anonymous())` on the line after `new App`
      await app!.logIn(Credentials.anonymous());
      expect(runtime.sequence).toEqual(["importRealmWeb", "logIn"]);
    });
  });

  it("without a realm-web session, nothing waits for an import", async () => {
    const {
      runtime,
      apps: [app],
    } = tabs(1);
    await app!.logIn(Credentials.anonymous());
    expect(runtime.sequence).toEqual(["logIn"]);
  });

  it("rejects ready with protocol-mismatch when the runtime speaks another version", async () => {
    const runtime = new MemoryRuntime();
    runtimes.push(runtime);
    runtime.protocol = PROTOCOL_VERSION + 1;
    const app = new App({ id: "test-app", baseUrl: BASE, worker: runtime.tab() });
    apps.push(app);
    await expect(app.ready).rejects.toMatchObject({ code: "protocol-mismatch" });
  });

  it("validates options", () => {
    expect(() => new App("")).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => new App({ id: "x", baseUrl: "not a url" })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    expect(() => new App({ id: "x", timeoutMs: 0 })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    // a timer longer than 2^31 - 1 ms would fire at once
    for (const timeoutMs of [Infinity, 2 ** 31]) {
      expect(() => new App({ id: "x", timeoutMs })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    }
  });

  it("App.getApp returns the first app of an id", () => {
    const {
      apps: [a],
    } = tabs(1);
    expect(App.getApp("test-app")).toBe(a);
  });
});
