/**
 * The commit queue of one app runtime: the only place its state changes. Each commit runs after the
 * previous one: mutate a copy → epoch + 1 → persist (awaited) → swap in → push the snapshot to the
 * tabs' private ports → publish a `state` event if a tab without a push port needs it (never
 * awaited; the epoch and what changed, no user data) → `onCommitted`. So epochs are strictly
 * increasing and every epoch a tab hears of was persisted first.
 * @packageDocumentation
 */
import { PROTOCOL_VERSION, type SessionEvent } from "../../src/protocol/events.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { MutationReply } from "../../src/protocol/rpc.js";
import type { AppSnapshot, StateChange } from "../../src/protocol/snapshots.js";
import type { EventChannel } from "../io/deps.js";
import { cloneState, toSnapshot, type SessionState } from "./state.js";
import type { SessionStore } from "../io/store.js";

/** A state transition run inside the queue: mutate the draft, return what changed. */
export type Mutation = (draft: SessionState) => StateChange[];

/** What {@link createCommitQueue} needs. */
export interface CommitQueueOptions {
  appKey: string;
  store: SessionStore;
  channel: EventChannel;
  initial: SessionState;
  /** Posts the committed snapshot to the tabs' private push ports (before the channel hint goes out). */
  push?: (snapshot: AppSnapshot, changes: StateChange[]) => void;
  /** Whether a commit's `state` hint goes out on the channel (some tab has no push port). @default always */
  hintsNeeded?: () => boolean;
  /**
   * Runs after each effective commit with what it changed (the runtime re-arms its refresh timers
   * and ends the watch streams of users who logged out here).
   */
  onCommitted: (state: SessionState, changes: StateChange[]) => void;
}

/** The state of one runtime behind its queue. */
export interface CommitQueue {
  /** The committed state; read only. */
  state(): SessionState;
  snapshot(): AppSnapshot;
  /**
   * Queues a transition; replies with the snapshot after it. A transition that changes nothing
   * commits nothing and replies with the current snapshot and `changes: []`.
   * @throws {RealmTabsError} `runtime-closed` after close; `storage`/`timeout` if persisting failed
   */
  commit(mutation: Mutation, userId?: string | null): Promise<MutationReply>;
  /** Posts an event on the app's channel; a failure to post never fails the caller. */
  publish(event: SessionEvent): void;
  /** Rejects later commits and closes the channel. */
  close(): void;
}

/** Creates the queue around the restored (or empty) state. */
export function createCommitQueue(o: CommitQueueOptions): CommitQueue {
  let state = o.initial;
  let tail: Promise<unknown> = Promise.resolve();
  let closed = false;

  function publish(event: SessionEvent): void {
    if (closed) return;
    try {
      o.channel.postMessage(event);
    } catch {
      // a DataCloneError or a closed channel must never fail the commit that produced the event
    }
  }

  async function run(mutation: Mutation, userId: string | null): Promise<MutationReply> {
    if (closed) throw new RealmTabsError("runtime-closed", "The session runtime was closed");
    const draft = cloneState(state);
    const changes = mutation(draft);
    if (changes.length === 0) return { snapshot: toSnapshot(state), changes, userId };
    // a mutation may raise the floor (adopting another runtime's newer epoch, see adopt.ts)
    draft.app.epoch = Math.max(draft.app.epoch, state.app.epoch) + 1;
    const removed = [...state.users.keys()].filter((id) => !draft.users.has(id));
    // only the users this commit changed: rewriting the others would put back this runtime's copy
    // over what another runtime (another build on the same IndexedDB) stored since
    const changed = [...draft.users.values()].filter((u) => JSON.stringify(u) !== JSON.stringify(state.users.get(u.id)));
    await o.store.commit(draft.app, changed, removed);
    state = draft;
    const snapshot = toSnapshot(state);
    try {
      o.push?.(snapshot, changes);
    } catch {
      // a failed push must never fail the commit; the tab catches up on its next call or hint
    }
    // a hint only: the channel is readable by any script of the origin, so the snapshot (tokens,
    // profiles) never goes there; tabs without a push port fetch it over their own port
    if (o.hintsNeeded?.() ?? true) publish({ v: PROTOCOL_VERSION, kind: "state", appKey: o.appKey, epoch: snapshot.epoch, changes });
    o.onCommitted(state, changes);
    return { snapshot, changes, userId };
  }

  return {
    state: () => state,
    snapshot: () => toSnapshot(state),
    commit(mutation, userId = null) {
      const p = tail.then(() => run(mutation, userId));
      tail = p.catch(() => undefined);
      return p;
    },
    publish,
    close() {
      closed = true;
      o.channel.close();
    },
  };
}
