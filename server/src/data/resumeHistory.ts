/**
 * Recent change events per collection, kept for a bounded window so a watch stream that broke can
 * resume after the last event it received without losing any (`Last-Event-ID`). Each event is kept
 * with the committed change it was built from, so a resumed stream of an application user passes
 * the same rules as a live one.
 * @packageDocumentation
 */
import type { ChangeEvent } from "../contracts.js";

/** Bounds of the history. */
export interface HistoryLimits {
  /** Events kept per collection. */
  maxEvents: number;
  /** How long events (and interest in a collection nobody watches any more) are kept. */
  maxAgeMs: number;
  /** Approximate bytes kept in all. */
  maxBytes: number;
}

/** One kept event and what it carries along. */
export interface KeptEvent<C> {
  seq: number;
  at: number;
  bytes: number;
  event: ChangeEvent;
  change: C;
}

interface NsHistory<C> {
  events: KeptEvent<C>[];
  /** Every event with a sequence number above this is in `events`. */
  floor: number;
}

/** The kept events of every collection of a feed. */
export class ResumeHistory<C> {
  private readonly byNs = new Map<string, NsHistory<C>>();
  /** When each collection last had a subscriber. */
  private readonly watchedAt = new Map<string, number>();
  /** The sequence number of the last change of each collection (kept or not). */
  private readonly lastSeq = new Map<string, number>();
  private bytes = 0;

  /** @param limits - the bounds */
  constructor(private readonly limits: HistoryLimits) {}

  /**
   * Notes that a collection is watched now: its events are kept from now on, for the window.
   * @param ns - the collection
   * @param currentSeq - the feed's sequence number now (events after it will be kept)
   */
  markWatched(ns: string, currentSeq: number, now = Date.now()): void {
    this.watchedAt.set(ns, now);
    if (!this.byNs.has(ns)) this.byNs.set(ns, { events: [], floor: currentSeq });
  }

  /** True if the collection's events must be kept (watched now, or within the window). */
  wanted(ns: string, now = Date.now()): boolean {
    const at = this.watchedAt.get(ns);
    return at !== undefined && now - at <= this.limits.maxAgeMs;
  }

  /** Records changes whose events were not built (nobody wants them): older resume points are lost. */
  skip(ns: string, seq: number): void {
    this.lastSeq.set(ns, seq);
    const h = this.byNs.get(ns);
    if (h !== undefined) for (const k of h.events) this.bytes -= k.bytes;
    this.byNs.delete(ns);
  }

  /**
   * Keeps an event.
   * @param ns - its collection
   * @param kept - the event, its change, sequence number and approximate size
   */
  record(ns: string, kept: Omit<KeptEvent<C>, "at">, now = Date.now()): void {
    this.lastSeq.set(ns, kept.seq);
    let h = this.byNs.get(ns);
    if (h === undefined) this.byNs.set(ns, (h = { events: [], floor: kept.seq - 1 }));
    h.events.push({ ...kept, at: now });
    this.bytes += kept.bytes;
    this.evict(now);
  }

  /**
   * The events of a collection after a sequence number, or null if some may be missing (too old,
   * evicted, or not kept while nobody watched).
   * @param ns - the collection
   * @param after - the sequence number of the last event the client has
   */
  since(ns: string, after: number, now = Date.now()): KeptEvent<C>[] | null {
    this.evict(now);
    const last = this.lastSeq.get(ns) ?? 0;
    if (after > last) return null;
    if (after === last) return [];
    const h = this.byNs.get(ns);
    if (h === undefined || after < h.floor) return null;
    return h.events.filter((k) => k.seq > after);
  }

  /** Forgets everything. */
  clear(): void {
    this.byNs.clear();
    this.watchedAt.clear();
    this.lastSeq.clear();
    this.bytes = 0;
  }

  private evict(now: number): void {
    for (const [ns, h] of this.byNs) {
      while (h.events.length > 0) {
        const first = h.events[0] as KeptEvent<C>;
        const tooOld = now - first.at > this.limits.maxAgeMs;
        if (!tooOld && h.events.length <= this.limits.maxEvents && this.bytes <= this.limits.maxBytes) break;
        h.events.shift();
        h.floor = first.seq;
        this.bytes -= first.bytes;
      }
      if (!this.wanted(ns, now)) {
        for (const k of h.events) this.bytes -= k.bytes;
        this.byNs.delete(ns);
      }
    }
    for (const [ns, at] of this.watchedAt) if (now - at > this.limits.maxAgeMs) this.watchedAt.delete(ns);
  }
}
