/**
 * The tab's end of its app's BroadcastChannel: the gate that channel events pass through
 * (eventGate.ts), loaded on the first event for this app. With push ports the tabs of a
 * SharedWorker rarely get one (a storage warning, another build's `outdated`, a hint from a
 * runtime in another mode), so most pages never load it. Events that arrive while it loads wait,
 * in order, and go through it once it is there.
 * @packageDocumentation
 */
import type { EventGate, EventGateOptions } from "./eventGate.js";
import { loadOnDemand } from "./protocol/deadline.js";

/** Most events kept while the gate loads (as many as the gate keeps hints). */
const MAX_HELD = 64;

/** An {@link EventGate} loaded on the first event for this app. */
export class GateOnDemand {
  private gate: EventGate | null = null;
  private loading: Promise<void> | null = null;
  private held: unknown[] = [];
  private closed = false;

  /** @param options - what the gate gets once loaded (see {@link EventGateOptions}) */
  constructor(private readonly options: EventGateOptions) {}

  /** Snapshot fetches the gate started (tests read it). */
  get fetches(): number {
    return this.gate?.fetches ?? 0;
  }

  /**
   * Handles one message read off the channel: the gate checks it; before the gate is loaded, a
   * message that names another app (or none) is dropped without loading anything.
   */
  handle(data: unknown): void {
    if (this.closed) return;
    if (this.gate) {
      this.gate.handle(data);
      return;
    }
    if ((data as { appKey?: unknown } | null)?.appKey !== this.options.appKey()) return;
    this.held.push(data);
    if (this.held.length > MAX_HELD) this.held.shift();
    this.load();
  }

  /**
   * Loads the gate before any event, for a tab that will get every commit as a hint (leader mode:
   * no push port), so that its first change is not delayed by the load.
   */
  preload(): void {
    if (!this.closed && !this.gate) this.load();
  }

  private load(): void {
    this.loading ??= loadOnDemand(() => import("./eventGate.js"), "the channel event gate").then(
      ({ EventGate }) => {
        if (this.closed) return;
        this.gate = new EventGate(this.options);
        for (const event of this.held.splice(0)) this.gate.handle(event);
      },
      (error: unknown) => {
        // the events held are lost (a hint's change reaches the tab with the next push, call or
        // hint; warnings are replayed to each connect); the next event tries to load again
        this.loading = null;
        this.held = [];
        this.options.onError?.(error);
      },
    );
  }

  /** Resolves once the gate (if loading) is loaded and no fetch is in flight (tests). */
  async settled(): Promise<void> {
    await this.loading;
    await this.gate?.settled();
  }

  /** Stops: drops what is held, and closes the gate. */
  close(): void {
    this.closed = true;
    this.held = [];
    this.gate?.close();
  }
}
