/**
 * What both benchmark pages (realm-tabs and realm-web) put on `window.bench`, so one runner can
 * drive either library with the same workload. Times are epoch milliseconds
 * (`performance.timeOrigin + performance.now()`) unless named `…Ms`.
 * @packageDocumentation
 */
import type { CommitTime } from "./probe/timing.js";
import type { ClockOffset } from "./clock.js";

/** Payload sizes of the function-call benchmark. */
export type PayloadKind = "small" | "large";

/** The benchmark handle of one tab. */
export interface BenchPage {
  /** Which library this page uses. */
  lib: "realm-tabs" | "realm-web";
  /** ms from navigation start until `app.currentUser` was available (null: no user restored yet). */
  attachMs: number | null;
  /** ms from navigation start until the runtime confirmed the state (realm-tabs: `app.ready`; realm-web: as attachMs). */
  readyMs: number | null;
  /** Set once the page is usable (realm-tabs: `app.ready` resolved). */
  ready: boolean;
  /** Logs in anonymously (a new user); resolves to its id. */
  login(): Promise<string>;
  /** The current user's id, or null. */
  currentUserId(): string | null;
  /** `currentUser.isLoggedIn` of the user with this id (false if unknown). */
  isLoggedIn(userId: string): boolean;
  /** Logs the current user out; resolves to the epoch ms just before the call. */
  logout(): Promise<number>;
  /** Starts recording when this tab sees `userId` logged out (listener or polling). */
  armLogoutProbe(userId: string): void;
  /** Epoch ms at which the probe saw the logout with its listener fired, or null. */
  logoutSeenAt(): number | null;
  /** Refreshes the current user's access token; resolves to the epoch ms just before the call. */
  refreshToken(): Promise<number>;
  /** Starts recording when this tab sees a new access token of `userId` (listener or polling). */
  armTokenProbe(userId: string): void;
  /** Epoch ms at which the probe saw the new access token with its listener fired, or null. */
  tokenSeenAt(): number | null;
  /** Calls `echo` `count` times in a row; resolves to each call's latency in ms. */
  echo(kind: PayloadKind, count: number): Promise<number[]>;
  /** Size in bytes of the canonical EJSON of a payload. */
  payloadBytes(kind: PayloadKind): number;
  /** Calls `echo` every `intervalMs` until {@link BenchPage.stopTicker}. */
  startTicker(intervalMs: number): void;
  /** Stops the ticker; resolves to the calls made and failed. */
  stopTicker(): { calls: number; failures: number; lastError: string | null };
  /** Starts `collection.watch()` on bench.items; false when the library has no watch. */
  watchStart(): boolean;
  /** Events seen since {@link BenchPage.watchStart}, their delivery delays (ms) and the last error. */
  watchStats(): WatchStats;
  /** Ends the watch (`return()` on the generator). */
  watchStop(): Promise<void>;
  /** Inserts `count` documents `{at: epoch ms}` into bench.items, one after the other. */
  insert(count: number): Promise<void>;
  /**
   * The probe page only (pages/probe/): the store commits the probe worker made since the last
   * ask, each with the epoch ms it started, was persisted and was posted to the first and last tab.
   */
  commits?(): Promise<CommitTime[]>;
  /**
   * The probe page only: this tab's clock minus the probe worker's (ms, see pages/clock.ts), measured
   * now; from then on the tab stamps its calls' posts on the worker's clock.
   */
  clockOffset?(): Promise<ClockOffset>;
}

/** What a watching tab saw. */
export interface WatchStats {
  events: number;
  delaysMs: number[];
  error: string | null;
}

declare global {
  interface Window {
    /** Set by the benchmark pages. */
    bench?: BenchPage;
  }
}
