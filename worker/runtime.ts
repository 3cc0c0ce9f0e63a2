/**
 * The core of one app runtime: the state, the commit queue (persist → epoch + 1 → publish), the
 * refresh of access tokens (single-flight, 401 logs out) and authenticated calls (check before,
 * refresh and retry once on a 401). The user-facing operations live in `operations.ts`.
 * @packageDocumentation
 */
import { PROTOCOL_VERSION, type SessionEvent } from "../src/protocol/events.js";
import { RealmTabsError, isMongoDBRealmError, isRealmTabsError } from "../src/protocol/errors.js";
import type { MutationReply } from "../src/protocol/rpc.js";
import type { AppConfigWire } from "../src/protocol/rpc.js";
import type { AppSnapshot, StateChange } from "../src/protocol/snapshots.js";
import type { Clock, EventChannel, Timers } from "./deps.js";
import { createRefreshLoop, refreshDue, singleFlight, type BackoffOptions, type RefreshLoop } from "./refresh.js";
import { refreshSession, type DeviceInfo } from "./requests.js";
import { applyLogout, applyTokens, cloneState, toSnapshot, type SessionState } from "./state.js";
import type { SessionStore, StoredUser } from "./store.js";
import { readAccessToken, skewOnReceipt } from "./tokens.js";
import type { Transport } from "./transport.js";

/** Everything one runtime depends on. */
export interface RuntimeDeps {
  appKey: string;
  config: AppConfigWire;
  store: SessionStore;
  transport: Transport;
  channel: EventChannel;
  clock: Clock;
  timers: Timers;
  random: () => number;
  /** Device fields sent on login (sdkVersion, platform, platformVersion). */
  device: DeviceInfo;
  backoff?: BackoffOptions;
}

/** A state transition run inside the commit queue: mutate the draft, return what changed. */
export type Mutation = (draft: SessionState) => StateChange[];

/** The runtime core that `operations.ts` builds on. */
export interface AppRuntime {
  readonly appKey: string;
  readonly deps: RuntimeDeps;
  /** The committed state (read only; change it through {@link AppRuntime.commit}). */
  state(): SessionState;
  snapshot(): AppSnapshot;
  /** Serialized: persist, epoch + 1, publish a `state` event; no-op when nothing changed. */
  commit(mutation: Mutation, userId?: string | null): Promise<MutationReply>;
  /** The user, or `user-not-found`. */
  user(userId: string): StoredUser;
  /** The user if logged in, or `user-not-found` / `not-logged-in`. */
  loggedInUser(userId: string): StoredUser;
  /** POST /auth/session now (single-flight per user). A 401 logs the user out everywhere. */
  refresh(userId: string): Promise<MutationReply>;
  /** Runs `fn` with a fresh access token; on a 401, refreshes once and retries once. */
  withAccessToken<T>(userId: string, fn: (token: string) => Promise<T>): Promise<T>;
  /** Publishes a non-state event. */
  publish(event: SessionEvent): void;
  /** Refreshes sent since start. */
  readonly refreshCount: number;
  /** Stops timers and closes the channel. */
  close(): void;
}

/** True for failures that keep the session: network, timeout, 5xx. */
export function isTransient(e: unknown): boolean {
  if (isRealmTabsError(e)) return e.code === "network" || e.code === "timeout";
  return isMongoDBRealmError(e) && e.statusCode >= 500;
}

function is401(e: unknown): boolean {
  return isMongoDBRealmError(e) && e.statusCode === 401;
}

/** Creates the runtime from a restored (or empty) state and starts its refresh loop. */
export function createAppRuntime(deps: RuntimeDeps, initial: SessionState): AppRuntime {
  let state = initial;
  let queue: Promise<unknown> = Promise.resolve();
  let refreshCount = 0;
  let closed = false;
  const flight = singleFlight<string, MutationReply>();
  const loop: RefreshLoop = createRefreshLoop({
    clock: deps.clock, timers: deps.timers, random: deps.random, isTransient, backoff: deps.backoff,
    refresh: (id) => runtime.refresh(id),
  });

  function publish(event: SessionEvent): void {
    if (closed) return;
    try {
      deps.channel.postMessage(event);
    } catch {
      // a DataCloneError or a closed channel must never fail the commit that produced the event
    }
  }

  function syncLoop(): void {
    const targets = [];
    for (const u of state.users.values()) {
      if (u.state !== "LoggedIn" || !u.accessToken) continue;
      const info = readAccessToken(u.accessToken, u.skewMs);
      targets.push({ userId: u.id, expiresAt: info.expiresAt, lifetimeMs: info.lifetimeMs });
    }
    loop.sync(targets);
  }

  async function runCommit(mutation: Mutation, userId: string | null): Promise<MutationReply> {
    if (closed) throw new RealmTabsError("runtime-closed", "The session runtime was closed");
    const draft = cloneState(state);
    const changes = mutation(draft);
    if (changes.length === 0) return { snapshot: toSnapshot(state), changes, userId };
    draft.app.epoch = state.app.epoch + 1;
    const removed = [...state.users.keys()].filter((id) => !draft.users.has(id));
    await deps.store.commit(draft.app, [...draft.users.values()], removed);
    state = draft;
    const snapshot = toSnapshot(state);
    publish({ v: PROTOCOL_VERSION, kind: "state", appKey: deps.appKey, epoch: snapshot.epoch, snapshot, changes });
    syncLoop();
    return { snapshot, changes, userId };
  }

  async function doRefresh(userId: string): Promise<MutationReply> {
    const held = runtime.loggedInUser(userId).refreshToken;
    if (!held) throw new RealmTabsError("not-logged-in", `User ${userId} has no refresh token`);
    refreshCount++;
    let r;
    try {
      r = await refreshSession(deps.transport, held);
    } catch (e) {
      if (is401(e)) {
        // the session is gone on the server: log out here, which every tab hears through the event
        await runtime.commit((d) => (d.users.get(userId)?.refreshToken === held ? applyLogout(d, userId, false) : []), userId);
      }
      throw e;
    }
    const tokens = { accessToken: r.accessToken, refreshToken: r.refreshToken, skewMs: skewOnReceipt(r.accessToken, r.receivedAt) };
    // a logout (or another login) that committed while the request was in flight wins
    return runtime.commit((d) => (d.users.get(userId)?.refreshToken === held ? applyTokens(d, userId, tokens) : []), userId);
  }

  async function freshToken(userId: string): Promise<string> {
    const u = runtime.loggedInUser(userId);
    const info = u.accessToken ? readAccessToken(u.accessToken, u.skewMs) : null;
    const now = deps.clock.now();
    if (!u.accessToken || (info && refreshDue(info, now))) {
      try {
        await runtime.refresh(userId);
      } catch (e) {
        // still valid and the server is only unreachable: go ahead with the old token
        const stillValid = u.accessToken && info?.expiresAt != null && deps.clock.now() < info.expiresAt;
        if (!(isTransient(e) && stillValid)) throw e;
      }
    }
    const token = runtime.loggedInUser(userId).accessToken;
    if (!token) throw new RealmTabsError("not-logged-in", `User ${userId} has no access token`);
    return token;
  }

  const runtime: AppRuntime = {
    appKey: deps.appKey,
    deps,
    state: () => state,
    snapshot: () => toSnapshot(state),
    commit(mutation, userId = null) {
      const p = queue.then(() => runCommit(mutation, userId));
      queue = p.catch(() => undefined);
      return p;
    },
    user(userId) {
      const u = state.users.get(userId);
      if (!u) throw new RealmTabsError("user-not-found", `The user ${userId} was never logged into this app`);
      return u;
    },
    loggedInUser(userId) {
      const u = runtime.user(userId);
      if (u.state !== "LoggedIn") throw new RealmTabsError("not-logged-in", `The user ${userId} is not logged in`);
      return u;
    },
    refresh: (userId) => flight(userId, () => doRefresh(userId)),
    async withAccessToken(userId, fn) {
      const token = await freshToken(userId);
      try {
        return await fn(token);
      } catch (e) {
        if (!is401(e)) throw e;
        // someone may have refreshed while this call was in flight; refresh only if not
        if (runtime.loggedInUser(userId).accessToken === token) await runtime.refresh(userId);
        const retryToken = runtime.loggedInUser(userId).accessToken;
        if (!retryToken) throw e;
        return fn(retryToken);
      }
    },
    publish,
    get refreshCount() { return refreshCount; },
    close() {
      closed = true;
      loop.stop();
      deps.channel.close();
    },
  };
  syncLoop();
  return runtime;
}
