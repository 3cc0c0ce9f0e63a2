/**
 * The function runner as clients reach it: a client (a caller with a user) may not call a private
 * function, nor one whose `can_evaluate` expression is false. Other functions, rule expressions and
 * auth flows use the runner itself and are not restricted.
 * @packageDocumentation
 */
import type { Caller, EndpointOutcome, EndpointRequest, FunctionRunner } from "../contracts.js";
import { checkClientFunctionCall, checkEndpointCall, type ClientCallRules } from "../rules/functions.js";

/** What the checks need besides each function's rules. */
export interface ClientRulesContext {
  /** `%%values`. */
  values: Record<string, unknown>;
  /** `%%environment`. */
  environment: { tag: string; values: Record<string, unknown> };
}

/**
 * Wraps a runner so that client calls honour `private` and `can_evaluate`, and endpoint calls `can_evaluate`.
 * @param runner - the runner
 * @param rules - each function's `private` and `can_evaluate` (functions not listed are unrestricted)
 * @param ctx - values and environment for `can_evaluate`
 * @returns a runner whose `call` refuses with 404 `FunctionNotFound` (private) or 400
 * `FunctionExecutionError` `rule not matched for function "<name>"` (`can_evaluate` false)
 */
export function withClientRules(runner: FunctionRunner, rules: Map<string, ClientCallRules>, ctx: ClientRulesContext): FunctionRunner {
  return {
    has: (name) => runner.has(name),
    close: () => runner.close(),
    async call(name: string, args: unknown[], caller: Caller): Promise<unknown> {
      const own = rules.get(name);
      if (own !== undefined && caller.user !== undefined) {
        await checkClientFunctionCall(name, own, Array.isArray(args) ? args : [], caller, {
          ...ctx,
          callFunction: (fn, fnArgs) => runner.call(fn, fnArgs, caller),
        });
      }
      return runner.call(name, args, caller);
    },
    // An endpoint may use a private function; its `can_evaluate` holds for every request, with or without a user.
    async callEndpoint(name: string, request: EndpointRequest, caller: Caller): Promise<EndpointOutcome> {
      const own = rules.get(name);
      if (own !== undefined) {
        await checkEndpointCall(name, own, caller, { ...ctx, callFunction: (fn, fnArgs) => runner.call(fn, fnArgs, caller) });
      }
      return runner.callEndpoint(name, request, caller);
    },
  };
}
