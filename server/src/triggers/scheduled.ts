/**
 * Scheduled triggers: the trigger's function (run as the system user, without arguments) at each
 * time its CRON expression matches, in UTC, as App Services runs them. Five fields as App Services
 * writes them (minute, hour, day of month, month, weekday); a sixth, leading field of seconds is
 * also accepted. A run that is still going when the next one is due is not overlapped: that one is
 * skipped.
 * @packageDocumentation
 */
import { Cron } from "croner";
import { ServerError } from "../contracts.js";
import { messageOf } from "./report.js";
import type { ScheduledTrigger, TriggerDeps } from "./types.js";

/**
 * Checks a CRON expression.
 * @param spec - the trigger
 * @throws ServerError 500 `InvalidConfig` naming the trigger if its schedule is not a valid CRON expression
 */
export function checkSchedule(spec: ScheduledTrigger): void {
  try {
    new Cron(spec.schedule, { timezone: "UTC", paused: true }).stop();
  } catch (err) {
    throw new ServerError(
      500,
      "InvalidConfig",
      `trigger ${spec.name}: invalid schedule ${JSON.stringify(spec.schedule)}: ${messageOf(err)}`,
    );
  }
}

/**
 * Starts a scheduled trigger.
 * @param spec - the trigger
 * @param deps - the function call and the failure report
 * @returns stops the trigger (a run already started finishes)
 * @throws ServerError 500 `InvalidConfig` for an invalid schedule
 */
export function startScheduledTrigger(spec: ScheduledTrigger, deps: TriggerDeps): () => void {
  checkSchedule(spec);
  const job = new Cron(spec.schedule, { timezone: "UTC", protect: true, unref: true }, async () => {
    try {
      await deps.call(spec.functionName, []);
    } catch (err) {
      deps.report(`trigger ${spec.name}: function ${spec.functionName} failed: ${messageOf(err)}`);
    }
  });
  return () => job.stop();
}
