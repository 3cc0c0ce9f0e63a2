/**
 * Channel `state` events are hints, never state. Any script of the origin can read and post on the
 * app's BroadcastChannel, so the runtime puts no user data there and a tab trusts nothing it reads
 * there: a `state` event with a newer epoch only makes the tab fetch the snapshot over its private
 * connection (a MessagePort only the runtime holds the other end of) and apply that. A forged event
 * therefore costs one snapshot fetch and changes nothing. Fetches are coalesced: at most one in flight per tab, and one more
 * if newer hints arrived meanwhile, so a flood of forged events cannot amplify into a flood of calls.
 * A fetch that fails transiently (a retryable error: timeout, leader handover) is sent once more, so
 * the hints it was for are not lost; a second failure is reported and the next hint fetches again.
 * Where the runtime pushes each commit to the tab's private port, the push usually arrives before
 * the hint (which is then stale and dropped); a hint that arrives first waits a grace period for its
 * push, and only a hint the push never matched (another runtime's commit) costs a fetch.
 * @packageDocumentation
 */
import { isSessionEvent, type StateEvent } from "./protocol/events.js";
import type { AppSnapshot, StateChange } from "./protocol/snapshots.js";
import type { Mirror } from "./mirror.js";
import { RealmTabsError } from "./protocol/errors.js";

/** Whether a failed fetch may succeed if sent again (a timeout, a leader handover, the network). */
function isRetryable(error: unknown): boolean {
  return error instanceof RealmTabsError && error.retryable;
}

/** What the gate needs from the tab. */
export interface EventGateOptions {
  /** The tab's mirror. */
  mirror: Mirror;
  /** The app key whose events are accepted (read on each event; it may change after connecting). */
  appKey: () => string;
  /** Fetches the runtime's snapshot over the private connection (with a deadline). */
  fetchSnapshot: () => Promise<AppSnapshot>;
  /**
   * Reports a fetch that failed (twice, if the first failure was retryable); the next hint fetches
   * again. GateOnDemand (gateOnDemand.ts) reports here too when the gate itself could not be loaded.
   */
  onError?: (error: unknown) => void;
  /** A `warning` event: a condition of the runtime the tab should report. */
  onWarning?: (code: string, message: string) => void;
  /** An `outdated` event: a tab of another build attached to the runtime. */
  onOutdated?: (buildId: string) => void;
  /**
   * Whether the runtime pushes each commit to this tab's private port (read on each event). Then a
   * hint newer than the mirror waits {@link EventGateOptions.pushGraceMs} for its push, and the
   * snapshot is fetched only if the push did not bring that epoch meanwhile.
   */
  pushing?: () => boolean;
  /** How long a hint waits for its push. @default 250 */
  pushGraceMs?: number;
}

/** Most hints kept while a fetch is in flight (their `changes` name the listeners to fire). */
const MAX_PENDING = 64;

/** The gate between one tab's BroadcastChannel and its mirror. */
export class EventGate {
  private pending: StateEvent[] = [];
  private inFlight: Promise<void> | null = null;
  private again = false;
  /** The fetch in flight failed transiently: the next one is its retry. */
  private retryNext = false;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Snapshot fetches started (tests and benchmarks read it). */
  fetches = 0;

  /** @param options - see {@link EventGateOptions} */
  constructor(private readonly options: EventGateOptions) {}

  /** Handles one message read off the channel; malformed, foreign or stale messages are dropped. */
  handle(data: unknown): void {
    const { mirror } = this.options;
    if (!isSessionEvent(data) || data.appKey !== this.options.appKey()) return;
    if (data.kind === "warning") {
      this.options.onWarning?.(data.code, data.message);
      return;
    }
    if (data.kind === "outdated") {
      this.options.onOutdated?.(data.buildId);
      return;
    }
    if (data.epoch <= mirror.epoch) return;
    this.pending.push(data);
    if (this.pending.length > MAX_PENDING) this.pending.shift();
    if (this.inFlight) this.again = true;
    else if (this.options.pushing?.()) this.awaitPush();
    else this.fetch();
  }

  /** Fetches after the grace period unless a push brought the hinted epochs meanwhile. */
  private awaitPush(): void {
    if (this.graceTimer !== null) return;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null;
      if (!this.pending.some((e) => e.epoch > this.options.mirror.epoch)) this.pending = [];
      else if (this.inFlight) this.again = true;
      else this.fetch();
    }, this.options.pushGraceMs ?? 250);
  }

  /** Stops a pending grace timer (the tab closed). */
  close(): void {
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    this.pending = [];
  }

  /** Resolves when no fetch is in flight (tests). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private fetch(retry = true): void {
    this.fetches++;
    this.again = false;
    this.inFlight = this.options
      .fetchSnapshot()
      .then(
        (snapshot) => this.applyFetched(snapshot),
        (error: unknown) => {
          // a transient failure (a timeout, a leader handover) must not lose the hints: the tab
          // would show stale state until some later event; they are fetched for once more
          if (retry && isRetryable(error)) {
            this.again = true;
            this.retryNext = true;
            return;
          }
          this.pending = [];
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        this.inFlight = null;
        // a retry after a failure is itself not retried again (a runtime that keeps failing is reported)
        const afterFailure = this.retryNext;
        this.retryNext = false;
        if (this.again && this.pending.some((e) => e.epoch > this.options.mirror.epoch)) this.fetch(!afterFailure);
        else this.pending = [];
      });
  }

  /**
   * Applies the fetched snapshot. The `changes` of hints up to its epoch name which listeners fire
   * (the diff catches anything they miss); they cannot change what is applied.
   */
  private applyFetched(snapshot: AppSnapshot): void {
    const { mirror } = this.options;
    const from = mirror.epoch;
    const changes: StateChange[] = [];
    for (const e of this.pending) if (e.epoch > from && e.epoch <= snapshot.epoch) changes.push(...e.changes);
    this.pending = this.pending.filter((e) => e.epoch > snapshot.epoch);
    mirror.apply(snapshot, changes);
  }
}

// reaches every module the start and the runtime connection need too, so that they share
// their chunks (see laterShared.ts)
export * as sharedWithAttachment from "./attachment.js";
