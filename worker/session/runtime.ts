/**
 * One app runtime: its commit queue (`commits.ts`), the refresh of access tokens (single-flight;
 * a 401 logs the user out) and authenticated calls (check before, refresh and retry once on a 401).
 * The user-facing operations live in `operations.ts`.
 * @packageDocumentation
 */
import type { SessionEvent } from "../../src/protocol/events.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { isMongoDBRealmError, isRealmTabsError } from "../../src/protocol/encodeError.js";
import type { MutationReply } from "../../src/protocol/rpc.js";
import type { AppConfigWire } from "../../src/protocol/rpc.js";
import type { AppSnapshot, StateChange } from "../../src/protocol/snapshots.js";
import { applyNews, newerStoredUser } from "./adopt.js";
import { createCommitQueue, type CommitQueue, type Mutation } from "./commits.js";
import { createFanout, type Fanout } from "./fanout.js";
import { refreshLockName } from "../../src/protocol/names.js";
import type { SharedLock } from "../io/locks.js";
import type { Clock, EventChannel, Timers } from "../io/deps.js";
import { createRefreshLoop, refreshDue, singleFlight, type BackoffOptions, type RefreshTarget } from "./refresh.js";
import { refreshSession, type DeviceInfo } from "../io/requests.js";
import { applyLogout, applyTokens, type SessionState } from "./state.js";
import type { SessionStore, StoredUser } from "../io/store.js";
import { readAccessToken, skewOnReceipt } from "./tokens.js";
import type { Transport } from "../io/transport.js";

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
  /** Bounds of the refresh backoff. */
  backoff?: BackoffOptions;
  /** A lock shared with other runtimes on the same store (Web Locks); none when alone. */
  lock?: SharedLock;
  /** Called after each effective commit with its changes (never with events read from the channel). */
  onChanges?: (changes: StateChange[]) => void;
}

export type { Mutation };

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
  /**
   * POST /auth/session now (single-flight per user; under the shared lock, a newer token another
   * runtime stored is adopted instead). A 401 logs the user out everywhere. A `fresh` refresh (a
   * tab's `refreshCustomData`) always sends a request of its own, made after the call, as realm-web
   * does: a refresh already in flight, or another runtime's token, may predate the change of custom
   * data the app wants to read. It waits for the refresh in flight to end first, so that this older
   * token never commits after its own, and refreshes that arrive meanwhile share it.
   */
  refresh(userId: string, options?: { fresh?: boolean }): Promise<MutationReply>;
  /** Runs `fn` with a fresh access token; on a 401, refreshes once and retries once. */
  withAccessToken<T>(userId: string, fn: (token: string) => Promise<T>): Promise<T>;
  /** Publishes a non-state event. */
  publish(event: SessionEvent): void;
  /** The tabs' push ports: each commit's snapshot is posted to every one of them. */
  readonly fanout: Fanout;
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

/** Refresh targets of every logged-in user with a readable access token. */
function refreshTargets(state: SessionState): RefreshTarget[] {
  const targets: RefreshTarget[] = [];
  for (const u of state.users.values()) {
    if (u.state !== "LoggedIn" || !u.accessToken) continue;
    const info = readAccessToken(u.accessToken, u.skewMs);
    targets.push({ userId: u.id, expiresAt: info.expiresAt, lifetimeMs: info.lifetimeMs });
  }
  return targets;
}

function lookup(queue: CommitQueue, userId: string, loggedIn: boolean): StoredUser {
  const u = queue.state().users.get(userId);
  if (!u) throw new RealmTabsError("user-not-found", `The user ${userId} was never logged into this app`);
  if (loggedIn && u.state !== "LoggedIn") throw new RealmTabsError("not-logged-in", `The user ${userId} is not logged in`);
  return u;
}

/** Creates the runtime from a restored (or empty) state and starts its refresh loop. */
export function createAppRuntime(deps: RuntimeDeps, initial: SessionState): AppRuntime {
  let refreshCount = 0;
  const flight = singleFlight<string, MutationReply>();
  const fanout = createFanout();
  const queue = createCommitQueue({
    appKey: deps.appKey,
    store: deps.store,
    channel: deps.channel,
    initial,
    push: (snapshot, changes) => fanout.send(snapshot, changes),
    hintsNeeded: () => fanout.hintsNeeded,
    onCommitted: (state, changes) => {
      loop.sync(refreshTargets(state));
      deps.onChanges?.(changes);
    },
  });
  const loop = createRefreshLoop({
    clock: deps.clock,
    timers: deps.timers,
    random: deps.random,
    isTransient,
    backoff: deps.backoff,
    refresh: (id) => refresh(id),
  });
  const counted = (): void => {
    refreshCount++;
  };
  const refresh = (userId: string, options: { fresh?: boolean } = {}): Promise<MutationReply> =>
    options.fresh === true
      ? // after the refresh in flight (whose older token must not commit after this one's), as the user's flight
        flight.after(userId, () => refreshLocked(deps, queue, userId, counted, true))
      : flight(userId, () => refreshLocked(deps, queue, userId, counted, false));
  const runtime: AppRuntime = {
    appKey: deps.appKey,
    deps,
    state: () => queue.state(),
    snapshot: () => queue.snapshot(),
    commit: (mutation, userId) => queue.commit(mutation, userId),
    user: (userId) => lookup(queue, userId, false),
    loggedInUser: (userId) => lookup(queue, userId, true),
    refresh,
    withAccessToken: (userId, fn) => withAccessToken(runtime, userId, fn),
    publish: (event) => queue.publish(event),
    fanout,
    get refreshCount() {
      return refreshCount;
    },
    close() {
      loop.stop();
      queue.close();
      fanout.close();
    },
  };
  loop.sync(refreshTargets(initial));
  return runtime;
}

/**
 * One refresh of `userId`, under the cross-runtime lock if there is one: first adopt what another
 * runtime stored, then POST /auth/session only if the token is still due, or always when `fresh`.
 */
function refreshLocked(deps: RuntimeDeps, queue: CommitQueue, userId: string, count: () => void, fresh: boolean): Promise<MutationReply> {
  const run = async (): Promise<MutationReply> => {
    if (deps.lock) {
      const news = await newerStoredUser(deps.store, deps.appKey, userId, queue.state().app.epoch, queue.state().users.get(userId));
      if (news) {
        const reply = await queue.commit((d) => applyNews(d, userId, news), userId);
        const u = queue.state().users.get(userId);
        const info = u?.accessToken ? readAccessToken(u.accessToken, u.skewMs) : null;
        if (u?.state !== "LoggedIn" || (!fresh && info && !refreshDue(info, deps.clock.now()))) return reply;
      }
    }
    count();
    return refreshOnce(deps, queue, userId);
  };
  return deps.lock ? deps.lock(refreshLockName(deps.appKey, userId), run) : run();
}

/** POST /auth/session with the held refresh token, then commit the answer if it is still current. */
async function refreshOnce(deps: RuntimeDeps, queue: CommitQueue, userId: string): Promise<MutationReply> {
  const held = lookup(queue, userId, true).refreshToken;
  if (!held) throw new RealmTabsError("not-logged-in", `User ${userId} has no refresh token`);
  let r;
  try {
    r = await refreshSession(deps.transport, held);
  } catch (e) {
    if (is401(e)) {
      // the session is gone on the server: log out here, which every tab hears through the event
      await queue.commit((d) => (d.users.get(userId)?.refreshToken === held ? applyLogout(d, userId, false) : []), userId);
    }
    throw e;
  }
  const tokens = { accessToken: r.accessToken, refreshToken: r.refreshToken, skewMs: skewOnReceipt(r.accessToken, r.receivedAt) };
  // a logout (or another login) that committed while the request was in flight wins
  return queue.commit((d) => (d.users.get(userId)?.refreshToken === held ? applyTokens(d, userId, tokens) : []), userId);
}

/** The access token to use now: refreshed first when due; the old one if the server is only unreachable. */
async function freshToken(rt: AppRuntime, userId: string): Promise<string> {
  const u = rt.loggedInUser(userId);
  const info = u.accessToken ? readAccessToken(u.accessToken, u.skewMs) : null;
  if (!u.accessToken || (info && refreshDue(info, rt.deps.clock.now()))) {
    try {
      await rt.refresh(userId);
    } catch (e) {
      const stillValid = info?.expiresAt != null && rt.deps.clock.now() < info.expiresAt;
      if (!(isTransient(e) && stillValid)) throw e;
    }
  }
  const token = rt.loggedInUser(userId).accessToken;
  if (!token) throw new RealmTabsError("not-logged-in", `User ${userId} has no access token`);
  return token;
}

/** Runs `fn` with a fresh token; on a 401, refreshes once (unless someone already did) and retries once. */
async function withAccessToken<T>(rt: AppRuntime, userId: string, fn: (token: string) => Promise<T>): Promise<T> {
  const token = await freshToken(rt, userId);
  try {
    return await fn(token);
  } catch (e) {
    if (!is401(e)) throw e;
    if (rt.loggedInUser(userId).accessToken === token) await rt.refresh(userId);
    const retryToken = rt.loggedInUser(userId).accessToken;
    if (!retryToken) throw e;
    return fn(retryToken);
  }
}
