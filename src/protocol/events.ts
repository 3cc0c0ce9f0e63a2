/**
 * Events the worker publishes on the per-app BroadcastChannel, and the guard every receiver runs.
 * Any script of the origin can read and post on that channel, so events carry no user data (no
 * token, profile or custom data): a `state` event is only a hint that makes each tab fetch the
 * snapshot over its private port. Events are versioned (`v`) and epoch-numbered, so a tab can drop
 * hints about epochs it already holds.
 * @packageDocumentation
 */
import { STATE_CHANGE_TYPES, type AppSnapshot, type StateChange } from "./snapshots.js";

/** Version of the wire protocol between tabs and the worker. Bumped on any incompatible change. */
export const PROTOCOL_VERSION = 3;

/**
 * A committed change of state: the new epoch and what changed (kinds of change and the user ids they
 * concern). Tabs fetch the snapshot of that epoch over their private connection.
 */
export interface StateEvent {
  v: typeof PROTOCOL_VERSION;
  kind: "state";
  appKey: string;
  /** The epoch of the committed state. */
  epoch: number;
  /** What the commit changed; names the listeners that fire in each tab. */
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

/** Most changes one commit can name (a realm-web import of many users is one commit). */
const MAX_CHANGES = 2_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isChange(x: unknown): x is StateChange {
  return isRecord(x) && (STATE_CHANGE_TYPES as readonly unknown[]).includes(x.type) && (x.userId === null || typeof x.userId === "string");
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
        Number.isSafeInteger(x.epoch) &&
        (x.epoch as number) >= 0 &&
        Array.isArray(x.changes) &&
        x.changes.length <= MAX_CHANGES &&
        x.changes.every(isChange)
      );
    case "warning":
      return typeof x.code === "string" && typeof x.message === "string";
    case "outdated":
      return typeof x.buildId === "string";
    default:
      return false;
  }
}

/**
 * Structural guard for what arrives on a tab's push port (see `StatePush` in rpc.ts): only the
 * runtime holds the other end, so this checks the shape the mirror relies on, not its values.
 * @param x - the received `MessageEvent.data`
 * @returns true if `x` is a `state` push with a snapshot and a list of changes
 */
export function isStatePush(x: unknown): x is { kind: "state"; snapshot: AppSnapshot; changes: StateChange[] } {
  if (!isRecord(x) || x.kind !== "state" || !Array.isArray(x.changes) || !x.changes.every(isChange)) return false;
  const s = x.snapshot;
  return (
    isRecord(s) &&
    typeof s.appKey === "string" &&
    Number.isSafeInteger(s.epoch) &&
    Array.isArray(s.users) &&
    s.users.every((u) => isRecord(u) && typeof u.id === "string" && typeof u.customDataEJSON === "string")
  );
}
