/**
 * The push ports of one app runtime: after each commit the runtime posts the new snapshot to every
 * connected tab's private port at once, so a change reaches each tab in one message instead of a
 * channel hint followed by a snapshot fetch. One sink per tab; a tab's newer connection replaces
 * its older sink, and a tab that goes away takes its sink with it. Tabs connected without a push
 * port (leader mode) are counted too: while every connected tab has a push port, a commit needs no
 * channel hint.
 * @packageDocumentation
 */
import type { AppSnapshot, StateChange } from "../../src/protocol/snapshots.js";

/** Where one tab's pushes go. */
export interface PushSink {
  /** Posts one commit to the tab (never awaited). */
  push(snapshot: AppSnapshot, changes: StateChange[]): void;
  /** Closes the port. */
  close(): void;
}

/** The push sinks of one runtime, by tab id. */
export interface Fanout {
  /** Registers `tabId`'s sink, closing the one it replaces. */
  add(tabId: string, sink: PushSink): void;
  /** Records that `tabId` connected without a push port (it learns of commits from channel hints); closes a sink it had. */
  pull(tabId: string): void;
  /** Forgets `tabId`: removes and closes its sink, if any. */
  drop(tabId: string): void;
  /** Whether commits need their channel hint: some connected tab has no push port, or no tab has one. */
  readonly hintsNeeded: boolean;
  /** Posts one commit to every sink; a sink that throws (a closed port) is dropped, the others still get it. */
  send(snapshot: AppSnapshot, changes: StateChange[]): void;
  /** Sinks registered. */
  readonly size: number;
  /** Closes and forgets every sink. */
  close(): void;
}

function closeQuietly(sink: PushSink): void {
  try {
    sink.close();
  } catch {
    // an already closed port
  }
}

/** Creates an empty fan-out. */
export function createFanout(): Fanout {
  const sinks = new Map<string, PushSink>();
  const pulling = new Set<string>();
  const remove = (tabId: string): void => {
    const sink = sinks.get(tabId);
    if (!sink) return;
    sinks.delete(tabId);
    closeQuietly(sink);
  };
  return {
    add(tabId, sink) {
      pulling.delete(tabId);
      const old = sinks.get(tabId);
      if (old && old !== sink) closeQuietly(old);
      sinks.set(tabId, sink);
    },
    pull(tabId) {
      remove(tabId);
      pulling.add(tabId);
    },
    get hintsNeeded() {
      return pulling.size > 0 || sinks.size === 0;
    },
    drop(tabId) {
      pulling.delete(tabId);
      remove(tabId);
    },
    send(snapshot, changes) {
      for (const [tabId, sink] of sinks) {
        try {
          sink.push(snapshot, changes);
        } catch {
          sinks.delete(tabId);
          closeQuietly(sink);
        }
      }
    },
    get size() {
      return sinks.size;
    },
    close() {
      for (const sink of sinks.values()) closeQuietly(sink);
      sinks.clear();
      pulling.clear();
    },
  };
}
