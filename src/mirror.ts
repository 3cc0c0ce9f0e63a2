/**
 * The tab's copy of the runtime's state. Snapshots reach it only over the tab's private connection
 * (connect and mutation replies, and fetches triggered by channel hints; see eventGate.ts). It
 * applies a snapshot only if its epoch is newer than the one it holds, so a stale or duplicate one
 * (a `MutationReply` whose epoch a fetch already brought) is dropped, and each change is reported
 * exactly once in each tab.
 * @packageDocumentation
 */
import { decodeNow, loadFullCodec } from "./codec/lazy.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "./protocol/snapshots.js";

/** What an applied snapshot changed: whose listeners fire, and whether app listeners fire. */
export interface MirrorUpdate {
  /** The snapshot that was applied. */
  snapshot: AppSnapshot;
  /** The previous snapshot (null for the first one). */
  previous: AppSnapshot | null;
  /** Users whose data changed (tokens, state, profile, custom data) or that were removed. */
  userIds: Set<string>;
  /** Whether app listeners fire: login, logout, switch, link, custom data, removal. */
  app: boolean;
}

/** What the mirror reports to. */
export interface MirrorHooks {
  /** Called synchronously after each applied snapshot. */
  onUpdate?(update: MirrorUpdate): void;
}

const appChangeTypes = new Set<StateChange["type"]>(["login", "logout", "remove", "delete", "switch", "custom-data", "link"]);

function userChanged(a: UserSnapshot | undefined, b: UserSnapshot | undefined): boolean {
  if (!a || !b) return a !== b;
  return (
    a.state !== b.state ||
    a.accessToken !== b.accessToken ||
    a.refreshToken !== b.refreshToken ||
    a.customDataEJSON !== b.customDataEJSON ||
    a.deviceId !== b.deviceId ||
    JSON.stringify(a.profile) !== JSON.stringify(b.profile)
  );
}

/** Derives the update from the declared changes and from a diff (a skipped epoch must still fire). */
export function diffSnapshots(previous: AppSnapshot | null, next: AppSnapshot, changes: readonly StateChange[]): MirrorUpdate {
  const userIds = new Set<string>();
  let app = changes.some((c) => appChangeTypes.has(c.type));
  for (const c of changes) if (c.userId !== null) userIds.add(c.userId);
  if (previous) {
    const before = new Map(previous.users.map((u) => [u.id, u]));
    const after = new Map(next.users.map((u) => [u.id, u]));
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(id);
      const b = after.get(id);
      if (!userChanged(a, b)) continue;
      userIds.add(id);
      if (!a || !b || a.state !== b.state || a.customDataEJSON !== b.customDataEJSON) app = true;
      if (a && b && a.profile?.identities.length !== b.profile?.identities.length) app = true;
    }
    if (previous.currentUserId !== next.currentUserId) app = true;
  }
  return { snapshot: next, previous, userIds, app };
}

/** One user's custom data: its EJSON, and the decoded value once it could be decoded. */
interface CustomDataEntry {
  ejson: string;
  /** False while the value needs the full codec (BSON values) and it is still loading. */
  decoded: boolean;
  value: unknown;
}

/**
 * `customDataEJSON` decoded (relaxed, so BSON values keep their classes); `{}` if it is not EJSON.
 * Not decoded yet (`decoded: false`, value `{}`) when it holds BSON values and the full codec is
 * still loading.
 */
function decodeCustomData(ejson: string): CustomDataEntry {
  try {
    const now = decodeNow(ejson);
    return now ? { ejson, decoded: true, value: now.value } : { ejson, decoded: false, value: {} };
  } catch {
    return { ejson, decoded: true, value: {} };
  }
}

/** The mirror of one app runtime's state in one tab. */
export class Mirror {
  private current: AppSnapshot | null = null;
  /** Each listed user's custom data, decoded when a snapshot with new custom data arrived. */
  private customDataById = new Map<string, CustomDataEntry>();
  private appKey: string;
  private readonly hooks: MirrorHooks;
  /** The user made current by {@link Mirror.assumeCurrent} ahead of the runtime (its switch was reported then). */
  private assumed: string | null | undefined = undefined;

  /**
   * @param appKey - only snapshots of this runtime are applied (changed by {@link Mirror.setAppKey})
   * @param hooks - called synchronously after a snapshot is applied
   */
  constructor(appKey: string, hooks: MirrorHooks = {}) {
    this.appKey = appKey;
    this.hooks = hooks;
  }

  /** The latest applied snapshot, or null before the first. */
  get snapshot(): AppSnapshot | null {
    return this.current;
  }

  /** The epoch held, or -1 before the first snapshot. */
  get epoch(): number {
    return this.current?.epoch ?? -1;
  }

  /** Changes which runtime's snapshots are accepted (when the runtime answered with another key). */
  setAppKey(appKey: string): void {
    this.appKey = appKey;
  }

  /** One user's snapshot, if the runtime lists it. */
  user(id: string): UserSnapshot | undefined {
    return this.current?.users.find((u) => u.id === id);
  }

  /** One user's custom data, decoded once when it arrived; `{}` for a user the runtime does not list. */
  customData(id: string): unknown {
    return this.customDataById.has(id) ? this.customDataById.get(id)?.value : {};
  }

  /**
   * Starts from a remembered snapshot (the last state stored by a tab), before the runtime
   * answered: getters read it at once; any snapshot of the runtime replaces it, and what differs
   * is reported then. Does nothing once a snapshot was applied, or for another runtime's snapshot.
   * @returns true if it was taken
   */
  seed(snapshot: AppSnapshot): boolean {
    if (this.current !== null || snapshot.appKey !== this.appKey) return false;
    this.current = { ...snapshot, epoch: -1 };
    this.customDataById = new Map(snapshot.users.map((u) => [u.id, decodeCustomData(u.customDataEJSON)]));
    this.decodeWhenLoaded();
    return true;
  }

  /**
   * Custom data holding BSON values arrived before the full codec was loaded (a remembered
   * snapshot, right after `new App`): it reads `{}` until the codec is there, then it is decoded
   * and the users' listeners (and the app's) fire as for a custom data change.
   */
  private decodeWhenLoaded(): void {
    if ([...this.customDataById.values()].every((e) => e.decoded)) return;
    void loadFullCodec().then(
      () => {
        const userIds = new Set<string>();
        for (const [id, entry] of this.customDataById) {
          if (entry.decoded) continue;
          this.customDataById.set(id, decodeCustomData(entry.ejson));
          userIds.add(id);
        }
        const current = this.current;
        if (userIds.size === 0 || !current) return;
        try {
          this.hooks.onUpdate?.({ snapshot: current, previous: current, userIds, app: true });
        } catch (error) {
          console.error("[realm-tabs] mirror update handler threw", error);
        }
      },
      (error: unknown) =>
        console.warn("[realm-tabs] custom data holds BSON values, and the codec to decode them could not be loaded", error),
    );
  }

  /**
   * Makes `userId` current in this tab at once, ahead of the runtime's snapshot (which confirms
   * or corrects it: the epoch is kept, so the next snapshot replaces this one). App listeners fire.
   * @returns the previous current user id, or undefined if nothing changed
   */
  assumeCurrent(userId: string | null): string | null | undefined {
    const current = this.current;
    if (!current || current.currentUserId === userId) return undefined;
    if (userId !== null && !current.users.some((u) => u.id === userId)) return undefined;
    const previous = current.currentUserId;
    const users =
      userId === null ? current.users : [...current.users.filter((u) => u.id === userId), ...current.users.filter((u) => u.id !== userId)];
    const next = { ...current, users, currentUserId: userId };
    this.current = next;
    this.assumed = userId;
    try {
      this.hooks.onUpdate?.({ snapshot: next, previous: current, userIds: new Set(), app: true });
    } catch (error) {
      console.error("[realm-tabs] mirror update handler threw", error);
    }
    return previous;
  }

  /**
   * Applies `snapshot` if its epoch is newer than the one held, and reports what changed.
   * @returns true if it was applied, false if it was stale, a duplicate or of another runtime
   */
  apply(snapshot: AppSnapshot, changes: readonly StateChange[] = []): boolean {
    if (snapshot.appKey !== this.appKey || snapshot.epoch <= this.epoch) return false;
    const previous = this.current;
    if (this.assumed !== undefined) {
      // the switch this tab assumed was reported when assumed: its confirmation is not reported again
      const assumed = this.assumed;
      if (snapshot.currentUserId === assumed) changes = changes.filter((c) => !(c.type === "switch" && c.userId === assumed));
      this.assumed = undefined;
    }
    this.current = snapshot;
    const decoded = new Map<string, CustomDataEntry>();
    for (const u of snapshot.users) {
      const known = this.customDataById.get(u.id);
      decoded.set(u.id, known?.ejson === u.customDataEJSON && known.decoded ? known : decodeCustomData(u.customDataEJSON));
    }
    this.customDataById = decoded;
    this.decodeWhenLoaded();
    const update = diffSnapshots(previous, snapshot, changes);
    try {
      this.hooks.onUpdate?.(update);
    } catch (error) {
      console.error("[realm-tabs] mirror update handler threw", error);
    }
    return true;
  }
}
