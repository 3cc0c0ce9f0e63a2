/**
 * Status events of an App that are not session state: `outdated` (another build of the app runs:
 * reload), `degraded` (the runtime mode is weaker than a SharedWorker) and `leader-changed`.
 * @packageDocumentation
 */

/** The detail of each status event. */
export interface StatusEventMap {
  /** Another tab runs a newer build of the app (or upgraded the session database): reload this tab. */
  outdated: { buildId: string | null; reason: string };
  /** The runtime mode is weaker than a SharedWorker; `reason` says how. */
  degraded: { mode: string; reason: string };
  /** A new leader tab took over the runtime (leader mode); this tab reconnected. */
  "leader-changed": { mode: string };
}

/** The detail of `outdated`: the newer build's id (null when only the storage schema says so) and why. */
export type OutdatedEvent = StatusEventMap["outdated"];
/** The detail of `degraded`: the mode in use and how it is weaker than a SharedWorker. */
export type DegradedEvent = StatusEventMap["degraded"];
/** The detail of `leader-changed`. */
export type LeaderChangedEvent = StatusEventMap["leader-changed"];

/** A status event type. */
export type StatusEventType = keyof StatusEventMap;

/** A status listener. */
export type StatusListener<K extends StatusEventType> = (detail: StatusEventMap[K]) => void;

/**
 * Listeners of status events. `degraded` and `outdated` are sticky: a listener added after the
 * event fired is called at once, so an app that subscribes late is still told.
 */
export class StatusEvents {
  private readonly listeners = new Map<StatusEventType, Set<(detail: never) => void>>();
  private readonly sticky = new Map<StatusEventType, unknown>();

  /** Adds a listener. */
  add<K extends StatusEventType>(type: K, listener: StatusListener<K>): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    if (this.sticky.has(type)) this.call(listener, this.sticky.get(type) as StatusEventMap[K]);
  }

  /** Removes a listener. */
  remove<K extends StatusEventType>(type: K, listener: StatusListener<K>): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Fires an event (each listener isolated: one that throws does not stop the others). */
  emit<K extends StatusEventType>(type: K, detail: StatusEventMap[K]): void {
    if (type !== "leader-changed") this.sticky.set(type, detail);
    for (const l of [...(this.listeners.get(type) ?? [])]) this.call(l as StatusListener<K>, detail);
  }

  /** Whether an event of this type fired (sticky types only). */
  fired(type: StatusEventType): boolean {
    return this.sticky.has(type);
  }

  private call<K extends StatusEventType>(listener: StatusListener<K>, detail: StatusEventMap[K]): void {
    try {
      listener(detail);
    } catch (error) {
      console.error(`[realm-tabs] a ${String(listener.name || "status")} listener threw`, error);
    }
  }
}
