/**
 * Authentication triggers: each login, user creation or user deletion through a provider a
 * trigger lists is passed, as App Services' authentication event, to the trigger's function (run
 * as the system user), one call after another in the order of the events. The auth flow does not
 * wait for them.
 * @packageDocumentation
 */
import { messageOf } from "./report.js";
import type { AuthenticationTrigger, AuthEvent, TriggerDeps } from "./types.js";

/**
 * The listener of auth events for a set of triggers.
 * @param specs - the app's authentication triggers
 * @param deps - the function call and the failure report
 * @returns the listener (it never throws and never waits)
 */
export function authTriggerListener(specs: readonly AuthenticationTrigger[], deps: TriggerDeps): (event: AuthEvent) => void {
  // One call at a time, in the order of the events: a user's CREATE function ends before its LOGIN one starts.
  let queue: Promise<void> = Promise.resolve();
  return (event) => {
    for (const spec of specs) {
      if (!spec.operationTypes.has(event.operationType) || !event.providers.some((p) => spec.providers.has(p))) continue;
      queue = queue.then(() =>
        deps.call(spec.functionName, [event]).then(
          () => undefined,
          (err: unknown) => deps.report(`trigger ${spec.name}: function ${spec.functionName} failed: ${messageOf(err)}`),
        ),
      );
    }
  };
}
