/**
 * Data access for application users under an app's rules. A call is run by the data layer's own
 * handler over a staged collection: the stored documents that match the active filters' queries
 * and that the user may read (an aggregation pipeline sees only their readable parts). Results show
 * the readable parts of the documents returned (see results.ts), at most 50,000; each write must be
 * permitted by the role assigned to its document, and then all are committed at once, provided no
 * document changed meanwhile (else the call is run again).
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";
import type { MethodName } from "../data/args.js";
import { parseArgs } from "../data/args.js";
import { normalize } from "../data/bsonValues.js";
import type { Mutation } from "../data/changeFeed.js";
import type { DocRegistry } from "../data/collection.js";
import { dispatch } from "../data/dispatch.js";
import { type AccessSpec, type DataAccess, type Namespace, type UserCaller, type WatchGuard } from "./access.js";
import type { CompiledRuleSet } from "./config.js";
import { readOnlyRuleSet } from "./config.js";
import type { CollectionSchema } from "./schema.js";
import { noRuleForNamespace, notPermitted } from "./errors.js";
import type { ExpansionContext } from "./expansions.js";
import { checkUserPipeline, checkUserQuery, checkUserUpdate } from "./operators.js";
import { writePermitted } from "./permissions.js";
import { handlerArgs, shownResult } from "./results.js";
import { activeFilters, stageCollection, type StagedCollection } from "./staging.js";
import { watchGuard } from "./watch.js";

/** App Services returns at most this many documents per query. */
export const MAX_DOCUMENTS = 50_000;
const ATTEMPTS = 5;

/** The rules of one data source (one MongoDB service name). */
export interface ServiceRules {
  /** Collection rules by `database\u0000collection`. */
  collections: Map<string, CompiledRuleSet>;
  /** `default_rule.json`, if any. */
  defaultRule: CompiledRuleSet | undefined;
  /** Collection schemas by `database\u0000collection`. */
  schemas?: Map<string, CollectionSchema> | undefined;
}

/** Options of {@link RulesAccess}. */
export interface RulesAccessOptions {
  /** Rules per service name. */
  services: Map<string, ServiceRules>;
  /** `%%values`. */
  values: Record<string, unknown>;
  /** `%%environment`. */
  environment: { tag: string; values: Record<string, unknown> };
  /** The custom user data collection: without rules of its own, it is read-only for users. */
  customUserData: Namespace | undefined;
}

/** Runs a function for `%function` in rules, as the request's caller. */
export type RuleFunctionCaller = (name: string, args: unknown[], caller: UserCaller) => Promise<unknown>;

/**
 * The key of a namespace in {@link ServiceRules.collections}.
 * @param database - database name
 * @param collection - collection name
 */
export function namespaceKey(database: string, collection: string): string {
  return `${database}\u0000${collection}`;
}

function checkOperators(name: MethodName, a: Record<string, unknown>): void {
  if (name === "aggregate") {
    checkUserPipeline(a.pipeline as unknown[]);
    return;
  }
  for (const key of ["query", "filter", "project", "projection", "sort", "arrayFilters"]) checkUserQuery(a[key]);
  if (a.update !== undefined) checkUserUpdate(a.update);
}

function actionOf(m: Mutation): "insert" | "update" | "delete" {
  return m.kind === "insert" ? "insert" : m.kind === "delete" ? "delete" : "update";
}

/** Data access under an app's rules. */
export class RulesAccess implements DataAccess {
  readonly mode = "rules";
  /** Set by `createRulesAccess`: the uncompiled rules, for query threads. */
  spec: AccessSpec | undefined;
  private functions: RuleFunctionCaller | undefined;

  /** @param opts - rules, values, environment and the custom user data collection */
  constructor(private readonly opts: RulesAccessOptions) {}

  /**
   * Makes `%function` available to rule expressions (the function runner starts after the data layer).
   * @param call - runs a function as the request's caller
   */
  bindFunctions(call: RuleFunctionCaller): void {
    this.functions = call;
  }

  /**
   * Runs a function for `%function` of a rule expression, as the request's caller.
   * @param name - the function
   * @param args - its arguments
   * @param caller - the request's user
   * @throws ServerError 500 `InternalServerError` if no function runner is bound, else the function's errors
   */
  runFunction(name: string, args: unknown[], caller: UserCaller): Promise<unknown> {
    if (this.functions === undefined)
      return Promise.reject(new ServerError(500, "InternalServerError", "no function runner for %function"));
    // its own calls run within the call that evaluates the rule (see data/transactions.ts)
    return this.functions(name, args, { ...caller, nested: true });
  }

  /**
   * The rules of a namespace: its own roles, else the data source's default roles.
   * @throws ServerError 403 `NoMatchingRuleFound` when there are neither
   */
  ruleSet(service: string, database: string, collection: string): CompiledRuleSet {
    const svc = this.opts.services.get(service);
    const own = svc?.collections.get(namespaceKey(database, collection));
    if (own !== undefined && own.roles.length > 0) return own;
    const fallback = svc?.defaultRule;
    if (fallback === undefined || fallback.roles.length === 0) throw noRuleForNamespace(database, collection);
    const set: CompiledRuleSet = { roles: fallback.roles, filters: [...(own?.filters ?? []), ...fallback.filters] };
    const cud = this.opts.customUserData;
    const isCustomData =
      cud !== undefined && cud.serviceName === service && cud.databaseName === database && cud.collectionName === collection;
    return isCustomData ? readOnlyRuleSet(set) : set;
  }

  /**
   * The expansions of one request.
   * @param caller - the user
   * @param within - true while a call of the service runs (its `%function` calls are not queued
   * behind transactions); false for a watch stream's events, tested outside any call
   */
  context(caller: UserCaller, within = true): ExpansionContext {
    const functions = this.functions;
    const { nested: _nested, ...outside } = caller;
    const fnCaller: UserCaller = within ? { ...caller, nested: true } : outside;
    return {
      user: caller.user as unknown as Record<string, unknown>,
      values: this.opts.values,
      environment: this.opts.environment,
      request: { ...caller.request },
      callFunction: functions === undefined ? undefined : (name, args) => functions(name, args, fnCaller),
    };
  }

  async call(reg: DocRegistry, service: string, name: MethodName, rawArgs: unknown[], caller: UserCaller): Promise<unknown> {
    const args = normalize(rawArgs);
    const a = parseArgs(name, args) as Record<string, unknown> & { database: string; collection: string };
    const set = this.ruleSet(service, a.database, a.collection);
    checkOperators(name, a);
    const ctx = this.context(caller);
    const filters = await activeFilters(set, ctx);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const over = name === "aggregate" ? "shown" : "stored";
      const staged = await stageCollection(reg.get(a.database, a.collection), set, ctx, filters, over);
      // An ordered insertMany that fails part way keeps what it inserted before: those are checked and committed, then it fails.
      let result: unknown;
      let failure: { error: unknown } | undefined;
      try {
        result = dispatch(staged.registry(), name, handlerArgs(name, args, staged, filters));
      } catch (error) {
        if (name !== "insertMany" || staged.staged.length === 0) throw error;
        failure = { error };
      }
      const writes = staged.staged;
      for (const m of writes) {
        if (!(await writePermitted(set, ctx, m.before ?? undefined, m.after ?? undefined))) throw notPermitted(actionOf(m));
      }
      const schema = this.opts.services.get(service)?.schemas?.get(namespaceKey(a.database, a.collection));
      if (schema !== undefined) for (const m of writes) if (m.after !== null) await schema.checkWrite(m.before, m.after, ctx);
      const shown = failure === undefined ? await shownResult(name, a, result, staged, set, ctx) : undefined;
      if (writes.length === 0) return capped(shown);
      if (unchanged(staged, writes)) {
        staged.real.commit(writes);
        if (failure !== undefined) throw failure.error;
        return shown;
      }
    }
    throw new ServerError(409, "WriteConflict", "the documents changed while the write was checked; try again");
  }

  watch(service: string, args: Parameters<DataAccess["watch"]>[1], caller: UserCaller): WatchGuard {
    const set = this.ruleSet(service, args.database, args.collection);
    if (args.filter !== undefined) checkUserQuery(args.filter);
    return watchGuard(set, this.context(caller, false), args);
  }
}

function capped(result: unknown): unknown {
  return Array.isArray(result) && result.length > MAX_DOCUMENTS ? result.slice(0, MAX_DOCUMENTS) : result;
}

/** True if every written document is still the one the write was computed from. */
function unchanged(staged: StagedCollection, writes: Mutation[]): boolean {
  return writes.every((m) => (m.before === null ? staged.real.get(m.key) === undefined : staged.real.get(m.key) === m.before));
}
