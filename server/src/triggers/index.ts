/**
 * Runs an app's triggers: database and scheduled triggers start here; authentication triggers
 * give the listener the auth service calls.
 * @packageDocumentation
 */
import type { MongoService } from "../contracts.js";
import { authTriggerListener } from "./auth.js";
import { startDatabaseTrigger } from "./database.js";
import { startScheduledTrigger } from "./scheduled.js";
import type { AuthEvent, AuthenticationTrigger, TriggerDeps, TriggerSpec } from "./types.js";

export type { AuthEvent, TriggerSpec } from "./types.js";

/** Running triggers. */
export interface RunningTriggers {
  /** Receives the auth service's events (for the authentication triggers). */
  onAuthEvent: (event: AuthEvent) => void;
  /** Stops every trigger; calls already started finish. */
  stop(): void;
}

/**
 * Starts triggers.
 * @param specs - the app's triggers
 * @param mongo - the MongoDB service
 * @param deps - the function call (as the system user) and the failure report
 * @returns the running triggers
 * @throws ServerError for an invalid `match`, `project` or schedule (then none is left running)
 */
export function startTriggers(specs: readonly TriggerSpec[], mongo: MongoService, deps: TriggerDeps): RunningTriggers {
  const stops: (() => void)[] = [];
  const stop = (): void => {
    for (const s of stops.splice(0)) s();
  };
  try {
    for (const spec of specs) {
      if (spec.type === "DATABASE") stops.push(startDatabaseTrigger(spec, mongo, deps));
      else if (spec.type === "SCHEDULED") stops.push(startScheduledTrigger(spec, deps));
    }
  } catch (err) {
    stop();
    throw err;
  }
  const auth = specs.filter((s): s is AuthenticationTrigger => s.type === "AUTHENTICATION");
  return { onAuthEvent: authTriggerListener(auth, deps), stop };
}
