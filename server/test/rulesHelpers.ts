/**
 * Helpers for the rules tests: a MongoDB service in memory under given rules, and users as
 * functions see them.
 * @packageDocumentation
 */
import Database from "better-sqlite3";
import type { Caller, ChangeEvent, ContextUser } from "../src/contracts.js";
import { createMongoService } from "../src/data/mongoService.js";
import { createRulesAccess, type DataAccess, type DataSourceRules } from "../src/rules/index.js";
import type { Namespace } from "../src/rules/access.js";

/** The service name of the tests. */
export const SERVICE = "mongodb-atlas";

/**
 * A user as `context.user` shows it.
 * @param id - 24 hex characters
 * @param data - profile data
 * @param customData - custom user data
 */
export function user(
  id: string,
  data: Record<string, unknown> = {},
  customData: Record<string, unknown> = {},
): Caller & { user: ContextUser } {
  return { user: { id, type: "normal", data, custom_data: customData, identities: [{ id: `${id}-anon`, provider_type: "anon-user" }] } };
}

/** Two users and the system. */
export const ALICE = user("aaaaaaaaaaaaaaaaaaaaaaaa", { email: "alice@example.com" });
export const BOB = user("bbbbbbbbbbbbbbbbbbbbbbbb", { email: "bob@example.com" });
export const SYSTEM: Caller = {};

/** Rules by namespace (`db.coll`), plus `default` for default_rule.json. */
export type RulesByNamespace = Record<string, unknown>;

/**
 * The rules of one data source from a map of namespaces to rule files.
 * @param rules - `{"demo.todos": {roles: […]}, default: {roles: […]}}`
 */
export function dataSource(rules: RulesByNamespace): DataSourceRules {
  const collections = Object.entries(rules)
    .filter(([ns]) => ns !== "default")
    .map(([ns, raw]) => {
      const [database = "", ...rest] = ns.split(".");
      return { where: `${ns}/rules.json`, raw, database, collection: rest.join(".") };
    });
  return {
    name: SERVICE,
    collections,
    defaultRule: rules.default === undefined ? undefined : { where: "default_rule.json", raw: rules.default },
  };
}

/**
 * Opens a service in memory under rules (or another access policy).
 * @param access - rules by namespace, or a ready policy
 * @param options - values, environment, custom user data collection
 */
export function openRulesService(
  access: RulesByNamespace | DataAccess,
  options: {
    values?: Record<string, unknown>;
    environment?: { tag: string; values: Record<string, unknown> };
    customUserData?: Namespace;
  } = {},
) {
  const db = new Database(":memory:");
  const policy =
    "mode" in access && typeof (access as DataAccess).call === "function"
      ? (access as DataAccess)
      : createRulesAccess({
          dataSources: [dataSource(access as RulesByNamespace)],
          values: options.values ?? {},
          environment: options.environment ?? { tag: "", values: {} },
          customUserData: options.customUserData,
        });
  const service = createMongoService({ db, serviceNames: [SERVICE], access: policy });
  /** Calls a method on `db.coll` (default `demo.items`) as `caller`. */
  const call = (caller: Caller, name: string, arg: Record<string, unknown> = {}, ns = "demo.items"): Promise<unknown> => {
    const [database, ...rest] = ns.split(".");
    return service.call(SERVICE, name, [{ database, collection: rest.join("."), ...arg }], caller);
  };
  /** Watches `db.coll` as `caller`; collects the events. */
  const watch = (caller: Caller, args: Record<string, unknown> = {}, ns = "demo.items") => {
    const [database = "", ...rest] = ns.split(".");
    const events: ChangeEvent[] = [];
    const off = service.watch(SERVICE, { database, collection: rest.join("."), ...args }, (e) => events.push(e), caller);
    return { events, off };
  };
  const close = async (): Promise<void> => {
    await service.close();
    db.close();
  };
  return { service, policy, call, watch, close };
}
