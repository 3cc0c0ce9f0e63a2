/**
 * Events the worker publishes on the per-app BroadcastChannel, and the guard every receiver runs.
 * Events are versioned (`v`) and epoch-numbered: a tab applies a `state` event only if its epoch is
 * newer than the one it holds, so duplicates and stale events are dropped.
 * @packageDocumentation
 */
import type { AppSnapshot, StateChange } from "./snapshots.js";

/** Version of the wire protocol between tabs and the worker. Bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** A committed change of state; carries the full new snapshot (a few users, small). */
export interface StateEvent {
  v: typeof PROTOCOL_VERSION;
  kind: "state";
  appKey: string;
  /** Equal to `snapshot.epoch`. */
  epoch: number;
  snapshot: AppSnapshot;
  changes: StateChange[];
}

/** A non-fatal condition tabs should report (e.g. storage degraded to memory). */
export interface WarningEvent {
  v: typeof PROTOCOL_VERSION;
  kind: "warning";
  appKey: string;
  code: string;
  message: string;
}

/** Sent when a runtime of another build is seen: tabs running an older build should reload. */
export interface OutdatedEvent {
  v: typeof PROTOCOL_VERSION;
  kind: "outdated";
  appKey: string;
  /** The newest build id seen. */
  buildId: string;
}

/** Every event that travels on the channel. */
export type SessionEvent = StateEvent | WarningEvent | OutdatedEvent;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isSnapshot(x: unknown): x is AppSnapshot {
  return (
    isRecord(x) &&
    typeof x.appKey === "string" &&
    typeof x.epoch === "number" &&
    Array.isArray(x.users) &&
    x.users.every((u) => isRecord(u) && typeof u.id === "string" && typeof u.state === "string") &&
    (x.currentUserId === null || typeof x.currentUserId === "string")
  );
}

/**
 * Structural guard for messages read off the BroadcastChannel. Anything that fails it is ignored.
 * @param x - the received `MessageEvent.data`
 * @returns true if `x` is a well-formed {@link SessionEvent} of this protocol version
 */
export function isSessionEvent(x: unknown): x is SessionEvent {
  if (!isRecord(x) || x.v !== PROTOCOL_VERSION || typeof x.appKey !== "string") return false;
  switch (x.kind) {
    case "state":
      return (
        typeof x.epoch === "number" &&
        isSnapshot(x.snapshot) &&
        x.snapshot.epoch === x.epoch &&
        x.snapshot.appKey === x.appKey &&
        Array.isArray(x.changes)
      );
    case "warning":
      return typeof x.code === "string" && typeof x.message === "string";
    case "outdated":
      return typeof x.buildId === "string";
    default:
      return false;
  }
}
