/**
 * Which runtime mode to try, in order. `auto` tries SharedWorker, then leader election among tabs
 * (the runtime hosted by the leader tab), then in-page; every mode but SharedWorker is reported as
 * degraded, with the reason (degraded.ts, loaded with those modes).
 * @packageDocumentation
 */

/** Where the session runtime runs. */
export type RuntimeMode = "shared-worker" | "leader" | "in-page";

/** The `mode` option of an App: a mode, or `auto` (the best available). */
export type ModeOption = "auto" | RuntimeMode;

/** What this browser offers. */
export interface Capabilities {
  sharedWorker: boolean;
  broadcastChannel: boolean;
  webLocks: boolean;
}

/** The capabilities of this realm. */
export function detectCapabilities(): Capabilities {
  return {
    sharedWorker: typeof SharedWorker !== "undefined",
    broadcastChannel: typeof BroadcastChannel !== "undefined",
    webLocks: typeof navigator !== "undefined" && "locks" in navigator && navigator.locks !== undefined,
  };
}

/**
 * The modes to try, best first. A custom `worker` factory pins the SharedWorker mode (the app said
 * how to start the runtime); an explicit mode is tried alone.
 * @param option - the App's `mode` option
 * @param caps - what the browser offers
 * @param customWorker - whether the App passed its own `worker` factory
 */
export function modeCandidates(option: ModeOption, caps: Capabilities, customWorker: boolean): RuntimeMode[] {
  if (customWorker) return ["shared-worker"];
  if (option !== "auto") return [option];
  const modes: RuntimeMode[] = [];
  if (caps.sharedWorker) modes.push("shared-worker");
  if (caps.broadcastChannel) modes.push("leader");
  modes.push("in-page");
  return modes;
}
