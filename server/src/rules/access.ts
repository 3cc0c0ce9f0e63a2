/**
 * How application users reach the data: through an app's rules, openly (`allowAllData`, for quick
 * starts), or not at all (the default without an app). System callers (no user, or a function that
 * runs as system) bypass this and reach the data layer directly.
 * @packageDocumentation
 */
import type { Caller, ChangeEvent, ContextUser, WatchArgs } from "../contracts.js";
import { parseArgs, type MethodName } from "../data/args.js";
import { normalize, type Doc } from "../data/bsonValues.js";
import type { WatchSelector } from "../data/changeFeed.js";
import type { DocRegistry } from "../data/collection.js";
import { dispatch, WRITE_METHODS } from "../data/dispatch.js";
import { noRuleForNamespace, notPermitted } from "./errors.js";
import type { CreateRulesAccessOptions } from "./index.js";

/** A caller that is an application user (it has a user and does not run as system). */
export type UserCaller = Caller & { user: ContextUser };

/**
 * True if the caller bypasses rules: no user (the server itself, triggers of auth flows), or a
 * function that runs as system.
 * @param caller - who is calling
 */
export function runsAsSystem(caller: Caller): boolean {
  return caller.user === undefined || caller.runAsSystem === true;
}

/**
 * True if the caller is an application user, to whom data access rules apply.
 * @param caller - who is calling
 */
export function isUserCaller(caller: Caller): caller is UserCaller {
  return !runsAsSystem(caller);
}

/** What a watch stream of an application user sees. */
export interface WatchGuard {
  /** What the change feed selects before the guard sees events. */
  selector: WatchSelector;
  /** The stream's own filter, tested on the events `view` returns (off the main thread). */
  filter?: Doc | undefined;
  /**
   * The event as the user may see it, or null to drop it.
   * @param event - the full change event
   * @param before - the document before the change (null for inserts)
   * @param after - the document after the change (null for deletes)
   */
  view(event: ChangeEvent, before: Doc | null, after: Doc | null): ChangeEvent | null | Promise<ChangeEvent | null>;
}

/** A namespace: service, database and collection. */
export interface Namespace {
  serviceName: string;
  databaseName: string;
  collectionName: string;
}

/**
 * How to build the same policy again in another thread (query evaluation threads): plain data.
 * The `rules` variant carries the uncompiled rule files, values and environment.
 */
export type AccessSpec =
  { mode: "deny" } | { mode: "open"; customUserData: Namespace | undefined } | { mode: "rules"; options: CreateRulesAccessOptions };

/** The data access policy for application users. */
export interface DataAccess {
  /** `rules` (an app's rules), `open` (allowAllData) or `deny` (no rules: every namespace is refused). */
  readonly mode: "rules" | "open" | "deny";
  /**
   * The policy as plain data, so query threads can evaluate calls under it. A policy without one
   * (e.g. a test double) is evaluated on the main thread.
   */
  readonly spec?: AccessSpec | undefined;
  /**
   * Runs a MongoDB service method for an application user.
   * @param reg - the stored collections
   * @param service - the service name
   * @param name - the method
   * @param args - the `arguments` array as sent
   * @param caller - the user
   * @throws ServerError `NoMatchingRuleFound`, `MongoDBError` (not permitted / not allowed), plus the method's errors
   */
  call(reg: DocRegistry, service: string, name: MethodName, args: unknown[], caller: UserCaller): Promise<unknown>;
  /**
   * Checks a watch request of an application user and returns its guard.
   * @throws ServerError `NoMatchingRuleFound`, `MongoDBError` for a refused filter operator
   */
  watch(service: string, args: WatchArgs, caller: UserCaller): WatchGuard;
}

function namespaceOf(name: MethodName, args: unknown[]): { database: string; collection: string } {
  return parseArgs(name, args);
}

/**
 * The default without an app: application users reach no namespace.
 * @returns a policy refusing every namespace with App Services' "no rule exists" error
 */
export function denyAllAccess(): DataAccess {
  return {
    mode: "deny",
    spec: { mode: "deny" },
    async call(_reg, _service, name, args) {
      const ns = namespaceOf(name, args);
      throw noRuleForNamespace(ns.database, ns.collection);
    },
    watch(_service, args) {
      throw noRuleForNamespace(args.database, args.collection);
    },
  };
}

function isNamespace(ns: Namespace | undefined, service: string, database: string, collection: string): boolean {
  return ns !== undefined && ns.serviceName === service && ns.databaseName === database && ns.collectionName === collection;
}

/**
 * `allowAllData`: application users may do anything, except write to the custom user data
 * collection (its documents go into access tokens, so only system code writes them).
 * @param customUserData - the custom user data collection, if configured
 */
export function openAccess(customUserData: Namespace | undefined): DataAccess {
  return {
    mode: "open",
    spec: { mode: "open", customUserData },
    async call(reg, service, name, args) {
      const normalized = normalize(args);
      if (WRITE_METHODS.has(name)) {
        const ns = namespaceOf(name, normalized);
        if (isNamespace(customUserData, service, ns.database, ns.collection)) {
          throw notPermitted(
            name.startsWith("insert") ? "insert" : name.startsWith("delete") || name === "findOneAndDelete" ? "delete" : "update",
          );
        }
      }
      return dispatch(reg, name, normalized);
    },
    watch(_service, args) {
      return { selector: { ids: args.ids, filter: args.filter }, view: (event) => event };
    },
  };
}
