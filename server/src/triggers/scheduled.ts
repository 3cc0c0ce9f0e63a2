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
 * How App Services reads CRON expressions: in UTC; a step may follow a number (`0/30`: "the step
 * value evenly divides the field value"); a time matches when all of the fields match, day of month
 * and weekday included.
 */
const CRON_OPTIONS = { timezone: "UTC", sloppyRanges: true, domAndDow: true } as const;

/**
 * The schedule of a trigger, paused (its `nextRun(from)` says when it fires next).
 * @param spec - the trigger
 * @throws ServerError 500 `InvalidConfig` naming the trigger if its schedule is not a valid CRON expression
 */
export function scheduleOf(spec: ScheduledTrigger): Cron {
  try {
    return new Cron(spec.schedule, { ...CRON_OPTIONS, paused: true, protect: true, unref: true });
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
  const job = scheduleOf(spec);
  job.schedule(async () => {
    try {
      await deps.call(spec.functionName, []);
    } catch (err) {
      deps.report(`trigger ${spec.name}: function ${spec.functionName} failed: ${messageOf(err)}`);
    }
  });
  job.resume();
  return () => job.stop();
}
