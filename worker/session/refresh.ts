/**
 * The refresh policy, as small pure-ish pieces: single-flight per key, the backoff schedule, and the
 * loop that keeps one timer per logged-in user (refresh a fifth of the lifetime before `exp`).
 * @packageDocumentation
 */
import type { Clock, TimerHandle, Timers } from "../io/deps.js";
import { refreshLeadMs } from "./tokens.js";

/** A single flight per key (see {@link singleFlight}). */
export interface SingleFlight<K, T> {
  /** Runs `fn` unless one runs for `key`: then returns that one's promise. */
  (key: K, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the flight of `key` in progress (if any) has settled, as the key's flight from
   * now on (callers that arrive meanwhile share it): a result made after this call, never overtaken
   * by an older one.
   */
  after(key: K, fn: () => Promise<T>): Promise<T>;
}

/**
 * Runs at most one `fn` per key at a time: callers that arrive while one runs share its promise.
 * @returns `run(key, fn)`, with `run.after(key, fn)`
 */
export function singleFlight<K, T>(): SingleFlight<K, T> {
  const inFlight = new Map<K, Promise<T>>();
  const track = (key: K, p: Promise<T>): Promise<T> => {
    const tracked = p.finally(() => {
      if (inFlight.get(key) === tracked) inFlight.delete(key);
    });
    inFlight.set(key, tracked);
    return tracked;
  };
  const run = (key: K, fn: () => Promise<T>): Promise<T> => inFlight.get(key) ?? track(key, fn());
  run.after = (key: K, fn: () => Promise<T>): Promise<T> => {
    const running = inFlight.get(key);
    return track(key, running ? running.then(fn, fn) : fn());
  };
  return run;
}

/** Bounds of the backoff after a failed refresh. */
export interface BackoffOptions {
  /** First delay, before jitter. @default 500 */
  baseMs?: number;
  /** Largest delay, before jitter. @default 30000 */
  maxMs?: number;
}

/**
 * Delay before retry number `attempt` (0-based): `min(max, base * 2^attempt)`, scaled by a jitter
 * factor in [0.5, 1) so that many runtimes (or a restarted server's clients) don't retry in step.
 * @param attempt - how many retries failed before this one
 * @param random - a number in [0, 1), `Math.random` in production
 */
export function backoffDelayMs(attempt: number, random: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const raw = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(raw * (0.5 + 0.5 * Math.min(Math.max(random, 0), 1)));
}

/** What the loop needs to know about one user. */
export interface RefreshTarget {
  userId: string;
  /** Local-clock expiry of the access token, or null (then nothing is scheduled). */
  expiresAt: number | null;
  lifetimeMs: number | null;
}

/** Options of {@link createRefreshLoop}. */
export interface RefreshLoopOptions {
  clock: Clock;
  timers: Timers;
  random: () => number;
  /** Refreshes the user (single-flight inside); rejects on failure. */
  refresh: (userId: string) => Promise<unknown>;
  /** True if the failure keeps the session (network, timeout, 5xx): retry with backoff. */
  isTransient: (error: unknown) => boolean;
  backoff?: BackoffOptions;
}

/** The proactive refresh loop of one runtime. */
export interface RefreshLoop {
  /** Replaces the schedule: one timer per target, none for anyone else. */
  sync(targets: RefreshTarget[]): void;
  /** Cancels every timer. */
  stop(): void;
}

/** True when the token is due for refresh (inside the lead window before expiry). */
export function refreshDue(target: Omit<RefreshTarget, "userId">, now: number): boolean {
  return target.expiresAt !== null && now >= target.expiresAt - refreshLeadMs(target.lifetimeMs);
}

/** Creates the loop; a failed transient refresh is retried with {@link backoffDelayMs}. */
export function createRefreshLoop(o: RefreshLoopOptions): RefreshLoop {
  const timers = new Map<string, { handle: TimerHandle; expiresAt: number | null }>();
  const attempts = new Map<string, number>();
  // the users of the last sync: only they are (re-)armed
  const targets = new Set<string>();
  let stopped = false;

  function arm(userId: string, delay: number, expiresAt: number | null): void {
    timers.get(userId)?.handle.cancel();
    const handle = o.timers.set(() => void fire(userId, expiresAt), delay);
    timers.set(userId, { handle, expiresAt });
  }

  async function fire(userId: string, expiresAt: number | null): Promise<void> {
    timers.delete(userId);
    try {
      await o.refresh(userId);
      attempts.delete(userId);
      // a new token re-synced the loop; the same token back (minted in the same second) did not
      if (!stopped && !timers.has(userId) && targets.has(userId)) arm(userId, backoffDelayMs(0, o.random(), o.backoff), expiresAt);
    } catch (e) {
      if (stopped || !o.isTransient(e)) return;
      const n = attempts.get(userId) ?? 0;
      attempts.set(userId, n + 1);
      // a successful refresh by a caller in the meantime re-synced and armed a new timer; a sync
      // that dropped the user (logged out, removed) while the refresh ran leaves it unarmed
      if (!timers.has(userId) && targets.has(userId)) arm(userId, backoffDelayMs(n, o.random(), o.backoff), expiresAt);
    }
  }

  return {
    sync(list) {
      if (stopped) return;
      const wanted = new Set(list.map((t) => t.userId));
      targets.clear();
      for (const id of wanted) targets.add(id);
      for (const [id, t] of timers)
        if (!wanted.has(id)) {
          t.handle.cancel();
          timers.delete(id);
          attempts.delete(id);
        }
      for (const t of list) {
        if (t.expiresAt === null) continue;
        const current = timers.get(t.userId);
        if (current && current.expiresAt === t.expiresAt) continue; // same token: keep its timer (or backoff)
        attempts.delete(t.userId);
        const at = t.expiresAt - refreshLeadMs(t.lifetimeMs);
        arm(t.userId, Math.max(0, at - o.clock.now()), t.expiresAt);
      }
    },
    stop() {
      stopped = true;
      for (const t of timers.values()) t.handle.cancel();
      timers.clear();
    },
  };
}
