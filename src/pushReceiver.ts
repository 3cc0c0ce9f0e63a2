/**
 * The tab side of the runtime's push port: each commit's snapshot arrives there (a private port,
 * see `StatePush` in protocol/rpc.ts) and is applied to the mirror in the order it came. A snapshot
 * whose custom data needs the full codec waits for it, and the snapshots after it wait behind it, so
 * each change is still reported once and in order; the mirror drops any epoch it already holds.
 * @packageDocumentation
 */
import { codecFor } from "./codec/lazy.js";
import type { Mirror } from "./mirror.js";
import { isStatePush } from "./protocol/events.js";

/** Applies pushed snapshots to one tab's mirror. */
export class PushReceiver {
  private tail: Promise<void> = Promise.resolve();
  /** Pushes waiting behind a codec load. */
  private waiting = 0;
  /** Well-formed pushes received (tests and benchmarks read it). */
  received = 0;

  /** @param mirror - the tab's mirror */
  constructor(private readonly mirror: Mirror) {}

  /** Handles one message of the push port; anything that is not a `state` push is dropped. */
  handle(data: unknown): void {
    if (!isStatePush(data)) return;
    this.received++;
    const codec = codecFor(data.snapshot);
    if (!codec && this.waiting === 0) {
      this.mirror.apply(data.snapshot, data.changes);
      return;
    }
    this.waiting++;
    this.tail = this.tail
      .then(() => codec)
      .then(() => {
        this.mirror.apply(data.snapshot, data.changes);
      })
      .finally(() => {
        this.waiting--;
      });
  }

  /** Resolves once every push received so far is applied (tests). */
  settled(): Promise<void> {
    return this.tail;
  }
}
