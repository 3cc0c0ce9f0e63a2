/**
 * Delivery of change events through an asynchronous filter (tested on a query thread), in order:
 * events are tested in batches while later ones queue; a filter that fails, runs over its time
 * limit, or falls too far behind ends the delivery with an error instead of stalling it.
 * @packageDocumentation
 */
import type { ServerError } from "../contracts.js";
import { mongoError, toServerError } from "./errors.js";

/** Events tested in one job at most. */
const BATCH = 64;
/** Events waiting for their test at most; beyond that the filter cannot keep up. */
const MAX_QUEUED = 10_000;

/** An ordered, asynchronous filter in front of a listener. */
export class OrderedFilter<T> {
  private queue: T[] = [];
  private busy = false;
  private stopped = false;

  /**
   * @param test - tests a batch, one boolean per item
   * @param deliver - receives the items that pass, in order
   * @param fail - called once if the filter fails; nothing is delivered after it
   */
  constructor(
    private readonly test: (items: T[]) => Promise<boolean[]>,
    private readonly deliver: (item: T) => void,
    private readonly fail: (err: ServerError) => void,
  ) {}

  /**
   * Queues an item for its test.
   * @param item - the next item
   */
  push(item: T): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.end(mongoError(`the watch filter cannot keep up: more than ${MAX_QUEUED} changes wait for it`));
      return;
    }
    this.queue.push(item);
    if (!this.busy) void this.pump();
  }

  /** Stops delivery (nothing more is tested or delivered). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  private end(err: ServerError): void {
    if (this.stopped) return;
    this.stop();
    this.fail(err);
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const items = this.queue.splice(0, BATCH);
        let matches: boolean[];
        try {
          matches = await this.test(items);
        } catch (err) {
          this.end(toServerError(err));
          return;
        }
        items.forEach((item, i) => {
          if (matches[i] === true && !this.stopped) this.deliver(item);
        });
      }
    } finally {
      this.busy = false;
    }
  }
}
