/**
 * The rules of client function calls: `private` functions are callable only from other functions,
 * rule expressions and auth flows; `can_evaluate` must hold for a client to call the function.
 * @packageDocumentation
 */
import { ServerError, type Caller } from "../contracts.js";
import { RuleConfigError } from "./config.js";
import { ruleNotMatchedForFunction } from "./errors.js";
import type { ExpansionContext } from "./expansions.js";
import { RuleExpression, type ExpressionSource } from "./expression.js";
import { expressionProblems } from "./validate.js";

/**
 * Compiles a function's `can_evaluate` expression (`%%user`, `%%values`, `%%environment`, `%%args`
 * — the call's arguments array —, `%function`; no document).
 * @param source - the expression
 * @param where - e.g. `functions/config.json, function "secret"`
 * @throws RuleConfigError naming the problems
 */
export function compileCanEvaluate(source: unknown, where: string): RuleExpression {
  const problems = expressionProblems(source, { document: false, args: true });
  if (problems.length > 0) throw new RuleConfigError(`${where}, can_evaluate: ${problems.join("; ")}`);
  return new RuleExpression(source as ExpressionSource, `${where}, can_evaluate`);
}

/** What {@link checkClientFunctionCall} needs to know of a function. */
export interface ClientCallRules {
  private: boolean;
  canEvaluate: RuleExpression | undefined;
}

/**
 * True if a `can_evaluate` expression holds for a caller.
 * @param expression - the expression
 * @param args - `%%args`
 * @param caller - the user (none for a system caller) and the request
 * @param ctx - values, environment and `%function`
 * @throws whatever a `%function` in the expression throws
 */
export async function canEvaluateHolds(
  expression: RuleExpression,
  args: unknown[],
  caller: Caller,
  ctx: Omit<ExpansionContext, "user" | "args" | "request">,
): Promise<boolean> {
  return expression.evaluate(
    { ...ctx, user: caller.user as unknown as Record<string, unknown> | undefined, args, request: { ...caller.request } },
    {},
  );
}

/**
 * Refuses a client's call of a private function, or of one whose `can_evaluate` is false.
 * @param name - the function
 * @param rules - its config
 * @param args - the call's arguments
 * @param caller - the client's user
 * @param ctx - values, environment and `%function`, for `can_evaluate`
 * @throws ServerError 404 `FunctionNotFound` for a private function; 400 `FunctionExecutionError`
 * `rule not matched for function "<name>"` when `can_evaluate` is false
 */
export async function checkClientFunctionCall(
  name: string,
  rules: ClientCallRules,
  args: unknown[],
  caller: Caller,
  ctx: Omit<ExpansionContext, "user" | "args" | "request">,
): Promise<void> {
  if (rules.private) throw new ServerError(404, "FunctionNotFound", `function not found: '${name}'`);
  if (rules.canEvaluate !== undefined && !(await canEvaluateHolds(rules.canEvaluate, args, caller, ctx)))
    throw ruleNotMatchedForFunction(name);
}

/**
 * Refuses an HTTPS endpoint's call of a function whose `can_evaluate` is false (an endpoint may use
 * a private function). `%%args` is empty: the function receives the request instead.
 * @param name - the function
 * @param rules - its config
 * @param caller - the endpoint's user (none when the function runs as system) and request
 * @param ctx - values, environment and `%function`, for `can_evaluate`
 * @throws ServerError 400 `FunctionExecutionError` `rule not matched for function "<name>"` when `can_evaluate` is false
 */
export async function checkEndpointCall(
  name: string,
  rules: ClientCallRules,
  caller: Caller,
  ctx: Omit<ExpansionContext, "user" | "args" | "request">,
): Promise<void> {
  if (rules.canEvaluate !== undefined && !(await canEvaluateHolds(rules.canEvaluate, [], caller, ctx)))
    throw ruleNotMatchedForFunction(name);
}
