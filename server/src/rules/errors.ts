/**
 * The errors of data access rules, with App Services' codes and texts.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";

/**
 * A namespace with neither collection rules nor default rules.
 * @param database - database name
 * @param collection - collection name
 * @returns a 403 `NoMatchingRuleFound` with App Services' text
 */
export function noRuleForNamespace(database: string, collection: string): ServerError {
  return new ServerError(403, "NoMatchingRuleFound", `no rule exists for namespace '${database}.${collection}'`);
}

/**
 * A write the caller's role does not permit (the whole operation is refused, nothing is written).
 * @param action - `insert`, `update` or `delete`
 * @returns a 403 `MongoDBError` "`<action>` not permitted"
 */
export function notPermitted(action: "insert" | "update" | "delete"): ServerError {
  return new ServerError(403, "MongoDBError", `${action} not permitted`);
}

/**
 * A query operator, aggregation stage or operator that App Services keeps for system code.
 * @param what - the operator or stage, e.g. `$regex`
 * @param kind - `query operator`, `aggregation stage` or `aggregation operator`
 * @returns a 400 `MongoDBError` naming it
 */
export function notAllowedForUsers(what: string, kind: string): ServerError {
  return new ServerError(400, "MongoDBError", `${kind} ${what} is not allowed for application users; only system functions may use it`);
}

/**
 * A client call of a function whose `can_evaluate` expression is false.
 * @param name - the function
 * @returns a 400 `FunctionExecutionError` with App Services' text
 */
export function ruleNotMatchedForFunction(name: string): ServerError {
  return new ServerError(400, "FunctionExecutionError", `rule not matched for function "${name}"`);
}

/**
 * A rule that cannot be evaluated (e.g. `%stringToOid` of a value that is not an ObjectId string).
 * @param where - which rule
 * @param message - why
 * @returns a 500 `InternalServerError`: the app's rules are at fault, not the request
 */
export function ruleEvaluationError(where: string, message: string): ServerError {
  return new ServerError(500, "InternalServerError", `cannot evaluate ${where}: ${message}`);
}
