/**
 * The user a function runs as, when its settings choose one: `run_as_user_id` (always that
 * application user) or `run_as_user_id_script_source` (a function that returns a user's id, or
 * `{ runAsSystem: true }`), as App Services' "User ID" and "Script" authentication. Functions it
 * calls inherit that user. `run_as_system` wins over both.
 * @packageDocumentation
 */
import type vm from "node:vm";
import { ServerError, type Caller, type ContextUser } from "../contracts.js";
import { executionError } from "./errors.js";

/**
 * Looks up an application user by id, as functions see users (`context.user`, with custom data).
 * Rejects when no enabled user has that id.
 */
export type UserLookup = (userId: string) => Promise<ContextUser>;

/** A function's choice of user. */
export interface RunAsSettings {
  /** The function's name (for error messages). */
  name: string;
  /** `run_as_user_id`. */
  runAsUserId?: string | undefined;
  /** `run_as_user_id_script_source`, compiled. */
  runAsScript?: vm.Script | undefined;
}

/** What {@link executionCaller} needs from the runner. */
export interface RunAsDeps {
  /** Finds users; undefined where none can be looked up. */
  users: UserLookup | undefined;
  /** Runs the script with the caller's `context` and no arguments, under the call's time limit. */
  runScript(script: vm.Script): Promise<unknown>;
}

function choosesSystem(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as { runAsSystem?: unknown }).runAsSystem === true;
}

/**
 * The caller a function with a chosen user runs as: that user (the request stays the caller's), or
 * the system when the script says so.
 * @param fn - the function's name and settings
 * @param caller - who called it
 * @param deps - user lookup, and how the script runs
 * @returns the caller to run it as
 * @throws ServerError 400 `FunctionExecutionError` when the script returns neither a user id nor
 * `{ runAsSystem: true }`, or no enabled user has the id; what the script threw, or
 * `ExecutionTimeLimitExceeded`
 */
export async function executionCaller(fn: RunAsSettings, caller: Caller, deps: RunAsDeps): Promise<Caller> {
  let userId = fn.runAsUserId;
  if (userId === undefined && fn.runAsScript !== undefined) {
    const chosen = await deps.runScript(fn.runAsScript);
    if (choosesSystem(chosen)) return { ...caller, runAsSystem: true };
    if (typeof chosen !== "string" || chosen === "") {
      throw executionError(`${fn.name}: run_as_user_id_script_source must return a user id or { runAsSystem: true }`);
    }
    userId = chosen;
  }
  if (userId === undefined) return caller;
  if (deps.users === undefined) throw executionError(`${fn.name}: runs as user ${userId}, but no users can be looked up here`);
  let user: ContextUser;
  try {
    user = await deps.users(userId);
  } catch (err) {
    // the lookup says "no such user" as an endpoint's session check does; anything else is passed on
    if (err instanceof ServerError && (err.errorCode === "InvalidSession" || err.errorCode === "UserNotFound")) {
      throw executionError(`${fn.name}: runs as user ${userId}, which does not exist or is disabled`);
    }
    throw err;
  }
  // the call's place among the service's calls is kept: within a rule's call, in a transaction
  return {
    user,
    ...(caller.request === undefined ? {} : { request: caller.request }),
    ...(caller.nested === true ? { nested: true } : {}),
    ...(caller.transaction === undefined ? {} : { transaction: caller.transaction }),
  };
}
