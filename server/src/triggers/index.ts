/**
 * Runs an app's triggers: database and scheduled triggers start here; authentication triggers
 * give the listener the auth service calls. After `stop()`, nothing more is called or reported
 * (a call already running finishes or fails silently).
 * @packageDocumentation
 */
import type { MongoService } from "../contracts.js";
import { authTriggerListener } from "./auth.js";
import { startDatabaseTrigger } from "./database.js";
import { messageOf } from "./report.js";
import { startScheduledTrigger } from "./scheduled.js";
import type { AuthEvent, AuthenticationTrigger, DatabaseTrigger, TriggerDeps, TriggerSpec } from "./types.js";

export type { AuthEvent, TriggerSpec } from "./types.js";

/** Running triggers. */
export interface RunningTriggers {
  /** Receives the auth service's events; undefined when the app has no authentication trigger. */
  onAuthEvent: ((event: AuthEvent) => void) | undefined;
  /** Watches the collections again (after a reset of the MongoDB service ended every watch). */
  resubscribe(): void;
  /** Stops every trigger. */
  stop(): void;
}

/** The deps, silenced after stop, with a report that never throws. */
function guarded(deps: TriggerDeps, stopped: () => boolean): TriggerDeps {
  const report = (line: string): void => {
    if (stopped()) return;
    try {
      deps.report(line);
    } catch (err) {
      process.stderr.write(`realm-tabs-server: ${line} (and its report failed: ${messageOf(err)})\n`);
    }
  };
  return {
    call: (name, args) => (stopped() ? Promise.resolve(undefined) : deps.call(name, args)),
    report,
  };
}

/**
 * Starts triggers.
 * @param specs - the app's triggers
 * @param mongo - the MongoDB service
 * @param deps - the function call (as the system user) and the failure report
 * @returns the running triggers
 * @throws ServerError for an invalid `match`, `project`, schedule or data source (then none is left running)
 */
export function startTriggers(specs: readonly TriggerSpec[], mongo: MongoService, deps: TriggerDeps): RunningTriggers {
  let stopped = false;
  const safe = guarded(deps, () => stopped);
  let watches: (() => void)[] = [];
  const schedules: (() => void)[] = [];
  const databaseSpecs = specs.filter((s): s is DatabaseTrigger => s.type === "DATABASE");
  const watchAll = (): void => {
    watches = databaseSpecs.map((spec) => startDatabaseTrigger(spec, mongo, safe));
  };
  const stop = (): void => {
    stopped = true;
    for (const s of [...watches.splice(0), ...schedules.splice(0)]) s();
  };
  try {
    watchAll();
    for (const spec of specs) if (spec.type === "SCHEDULED") schedules.push(startScheduledTrigger(spec, safe));
  } catch (err) {
    stop();
    throw err;
  }
  const auth = specs.filter((s): s is AuthenticationTrigger => s.type === "AUTHENTICATION");
  return {
    onAuthEvent: auth.length === 0 ? undefined : authTriggerListener(auth, safe),
    resubscribe: () => {
      if (stopped) return;
      for (const s of watches.splice(0)) s();
      watchAll();
    },
    stop,
  };
}
