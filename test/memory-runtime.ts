/**
 * An in-process session runtime for the tab side's tests: a small in-memory test double of
 * `SessionApi` (no server) served over a real MessageChannel + Comlink, with hints on a real
 * BroadcastChannel. It checks the tab side's wiring, not the worker's logic.
 */
import { EJSON, ObjectId } from "bson";
import { App } from "../src/app.js";
import type { AppConfiguration } from "../src/config.js";
import { exposeSession } from "../src/protocol/expose.js";
import { MongoDBRealmError, RealmTabsError } from "../src/protocol/errors.js";
import { PROTOCOL_VERSION } from "../src/protocol/events.js";
import { appKeyFor, channelName } from "../src/protocol/names.js";
import type { ConnectReply, MutationReply, SessionApi } from "../src/protocol/rpc.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "../src/protocol/snapshots.js";

export const BASE = "http://127.0.0.1:1";

export class MemoryRuntime {
  readonly key = appKeyFor("test-app", BASE);
  readonly channel = new BroadcastChannel(channelName(this.key));
  readonly calls: { name: string; argsEJSON: string }[] = [];
  /** The logins and realm-web imports, in the order they reached this runtime. */
  readonly sequence: string[] = [];
  epoch = 0;
  users: UserSnapshot[] = [];
  current: string | null = null;
  n = 0;
  protocol = PROTOCOL_VERSION;

  snapshot(): AppSnapshot {
    return structuredClone({ appKey: this.key, epoch: this.epoch, users: this.users, currentUserId: this.current, deviceId: null });
  }

  commit(changes: StateChange[], userId: string | null): MutationReply {
    this.epoch += 1;
    const snapshot = this.snapshot();
    this.channel.postMessage({ v: PROTOCOL_VERSION, kind: "state", appKey: this.key, epoch: snapshot.epoch, changes });
    return { snapshot, changes, userId };
  }

  find(id: string): UserSnapshot {
    const u = this.users.find((x) => x.id === id);
    if (!u) throw new RealmTabsError("user-not-found", `no user ${id}`);
    return u;
  }

  api(): SessionApi {
    return {
      connect: async (): Promise<ConnectReply> => ({
        appKey: this.key,
        snapshot: this.snapshot(),
        protocol: this.protocol,
        buildId: "t",
        warnings: [],
      }),
      logIn: async (_k, c) => {
        this.sequence.push("logIn");
        const id = `u${++this.n}`;
        this.users.unshift({
          id,
          state: "LoggedIn",
          providerType: c.providerType,
          accessToken: `at-${id}-1`,
          refreshToken: `rt-${id}`,
          deviceId: "d1",
          profile: { type: "normal", identities: [{ id: `i${id}`, providerType: c.providerType }], data: { name: "Ada" } },
          customDataEJSON: EJSON.stringify({ born: new Date(0), n: 1 }, { relaxed: false }),
          accessTokenExpiresAt: null,
        });
        this.current = id;
        return this.commit([{ type: "login", userId: id }], id);
      },
      switchUser: async (_k, id) => {
        this.find(id);
        this.current = id;
        return this.commit([{ type: "switch", userId: id }], id);
      },
      logOut: async (_k, id) => {
        // as the real runtime: a user no longer listed is no change
        if (!this.users.some((u) => u.id === id)) return { snapshot: this.snapshot(), changes: [], userId: id };
        Object.assign(this.find(id), { state: "LoggedOut", accessToken: null, refreshToken: null });
        if (this.current === id) this.current = null;
        return this.commit([{ type: "logout", userId: id }], id);
      },
      removeUser: async (_k, id) => {
        this.users = this.users.filter((u) => u.id !== id);
        if (this.current === id) this.current = null;
        return this.commit([{ type: "remove", userId: id }], id);
      },
      deleteUser: async (_k, id) => {
        this.users = this.users.filter((u) => u.id !== id);
        return this.commit([{ type: "delete", userId: id }], id);
      },
      refreshAccessToken: async (_k, id) => {
        const u = this.find(id);
        u.accessToken = `${u.accessToken}+`;
        return this.commit([{ type: "token", userId: id }], id);
      },
      refreshCustomData: async (_k, id) => {
        this.find(id).customDataEJSON = '{"n":{"$numberInt":"2"}}';
        return this.commit([{ type: "custom-data", userId: id }], id);
      },
      refreshProfile: async (_k, id) => this.commit([], id),
      linkCredentials: async (_k, id) => this.commit([{ type: "link", userId: id }], id),
      callFunction: async (_k, _id, name, args) => {
        this.calls.push({ name, argsEJSON: typeof args === "string" ? args : EJSON.stringify(args, { relaxed: false }) });
        if (name === "missing")
          throw new MongoDBRealmError("POST", `${BASE}/call`, 404, "Not Found", "function not found: 'missing'", "FunctionNotFound");
        return EJSON.stringify({ sum: 3, id: new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa") }, { relaxed: false });
      },
      stats: async () => ({ tabs: 0, refreshes: 0, openStreams: 0, buildId: "t" }),
      snapshot: async () => this.snapshot(),
      // the App tests below do not use these; the worker's own tests cover them
      watch: async () => {
        throw new RealmTabsError("internal", "this test double has no watch streams", { retryable: false });
      },
      unwatch: async () => {},
      apiKeys: async () => {
        throw new RealmTabsError("internal", "this test double has no API keys", { retryable: false });
      },
      emailPassword: async () => {
        throw new RealmTabsError("internal", "this test double has no email/password provider", { retryable: false });
      },
      // as a runtime whose storage failed: the tests of the realm-web import use it to see a failed import
      importRealmWeb: async () => {
        this.sequence.push("importRealmWeb");
        throw new RealmTabsError("storage", "IndexedDB failed", { retryable: false });
      },
      redirectLoginUrl: async () => {
        throw new RealmTabsError("internal", "this test double has no redirect login", { retryable: false });
      },
      completeRedirectLogin: async () => {
        throw new RealmTabsError("internal", "this test double has no redirect login", { retryable: false });
      },
    };
  }

  /** A worker factory for one tab: a fresh MessageChannel whose far end the runtime serves. */
  tab(): () => MessagePort {
    return () => {
      const { port1, port2 } = new MessageChannel();
      exposeSession(this.api(), port1);
      ports.push(port1, port2);
      return port2;
    };
  }
}

const ports: MessagePort[] = [];
const apps: App[] = [];
const runtimes: MemoryRuntime[] = [];
/** What {@link closeAll} closes: tests that build their own apps, ports or runtimes add them here. */
export const tracked = { ports, apps, runtimes };
/** Opens `count` tabs (Apps) of the app "test-app" on one fresh in-memory runtime. */
export function tabs(count: number, options: Partial<AppConfiguration> = {}): { runtime: MemoryRuntime; apps: App[] } {
  const runtime = new MemoryRuntime();
  runtimes.push(runtime);
  const made = Array.from({ length: count }, () => new App({ id: "test-app", baseUrl: BASE, worker: runtime.tab(), ...options }));
  apps.push(...made);
  return { runtime, apps: made };
}

/** Closes every app, runtime and port the tests made (call in `afterEach`). */
export function closeAll(): void {
  for (const a of apps.splice(0)) a.close();
  for (const r of runtimes.splice(0)) r.channel.close();
  for (const p of ports.splice(0)) p.close();
}
