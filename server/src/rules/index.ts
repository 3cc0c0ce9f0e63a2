/**
 * Data access rules with App Services semantics: compiled from an app's rule files and enforced on
 * every MongoDB operation of application users.
 * @packageDocumentation
 */
import type { Namespace } from "./access.js";
import { compileRuleFile, RuleConfigError, type CompiledRuleSet } from "./config.js";
import { storedDatabase } from "../data/dataSources.js";
import { namespaceKey, RulesAccess, type ServiceRules } from "./enforcer.js";
import { compileSchema, type CollectionSchema, type SchemaFileEntry } from "./schema.js";

export {
  denyAllAccess,
  isUserCaller,
  openAccess,
  runsAsSystem,
  type AccessSpec,
  type DataAccess,
  type Namespace,
  type UserCaller,
  type WatchGuard,
} from "./access.js";
export { RuleConfigError, type RuleFileInput } from "./config.js";
export { MAX_DOCUMENTS, RulesAccess, type RuleFunctionCaller } from "./enforcer.js";
export { canEvaluateHolds, checkClientFunctionCall, checkEndpointCall, compileCanEvaluate } from "./functions.js";
export type { RuleExpression } from "./expression.js";

/** One rule file as read from an app directory. */
export interface RuleFileEntry {
  /** The file (for messages), e.g. `data_sources/mongodb-atlas/demo/todos/rules.json`. */
  where: string;
  /** Its parsed JSON. */
  raw: unknown;
  /** The namespace its folder names; a `database`/`collection` in the file must agree. */
  database: string;
  collection: string;
}

/** The rules of one data source as read from an app directory. */
export interface DataSourceRules {
  /** The service name (`mongodb-atlas`). */
  name: string;
  collections: RuleFileEntry[];
  /** The collections' `schema.json` files. */
  schemas?: SchemaFileEntry[] | undefined;
  /** `default_rule.json`, if present. */
  defaultRule?: { where: string; raw: unknown } | undefined;
}

/** Options of {@link createRulesAccess}. */
export interface CreateRulesAccessOptions {
  dataSources: DataSourceRules[];
  /** `%%values`. */
  values: Record<string, unknown>;
  /** `%%environment`. */
  environment: { tag: string; values: Record<string, unknown> };
  /** The custom user data collection, if configured (its database as the store names it). */
  customUserData?: Namespace | undefined;
  /** The data source whose databases the store keeps under their own names (see data/dataSources.ts); the others' rules are keyed by their stored names. */
  primaryService?: string | undefined;
}

/**
 * Compiles an app's rules.
 * @param opts - rule files per data source, values, environment, custom user data collection
 * @returns the data access policy (call `bindFunctions` once the function runner exists)
 * @throws RuleConfigError naming the file, role and field of every problem
 */
export function createRulesAccess(opts: CreateRulesAccessOptions): RulesAccess {
  const services = new Map<string, ServiceRules>();
  const problems: string[] = [];
  for (const source of opts.dataSources) {
    const collections = new Map<string, CompiledRuleSet>();
    for (const entry of source.collections) {
      try {
        const set = compileRuleFile(entry.raw, entry.where);
        if (
          (set.database !== undefined && set.database !== entry.database) ||
          (set.collection !== undefined && set.collection !== entry.collection)
        ) {
          problems.push(
            `${entry.where}: names ${set.database}.${set.collection} but is in the folder of ${entry.database}.${entry.collection}`,
          );
        }
        collections.set(namespaceKey(storedDatabase(source.name, entry.database, opts.primaryService), entry.collection), set);
      } catch (err) {
        if (!(err instanceof RuleConfigError)) throw err;
        problems.push(err.message);
      }
    }
    let defaultRule: CompiledRuleSet | undefined;
    if (source.defaultRule !== undefined) {
      try {
        defaultRule = compileRuleFile(source.defaultRule.raw, source.defaultRule.where);
      } catch (err) {
        if (!(err instanceof RuleConfigError)) throw err;
        problems.push(err.message);
      }
    }
    const schemas = new Map<string, CollectionSchema>();
    for (const entry of source.schemas ?? []) {
      try {
        const schema = compileSchema(entry);
        if (schema !== undefined)
          schemas.set(namespaceKey(storedDatabase(source.name, entry.database, opts.primaryService), entry.collection), schema);
      } catch (err) {
        if (!(err instanceof RuleConfigError)) throw err;
        problems.push(err.message);
      }
    }
    services.set(source.name, { collections, defaultRule, schemas });
  }
  if (problems.length > 0) throw new RuleConfigError(problems.join("; "));
  const access = new RulesAccess({ services, values: opts.values, environment: opts.environment, customUserData: opts.customUserData });
  access.spec = { mode: "rules", options: opts };
  return access;
}
