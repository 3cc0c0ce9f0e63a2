/**
 * `data_sources/`: each MongoDB data source becomes a service name of the embedded store, with its
 * collection rules (`<db>/<collection>/rules.json`), schemas and relationships, and default rules
 * (`default_rule.json`).
 * @packageDocumentation
 */
import type { RelationshipFile } from "../graphql/relations.js";
import type { DataSourceRules } from "../rules/index.js";
import type { AppFiles } from "./files.js";
import { dataSourceSchema } from "./schemas.js";

/** What the data sources give the server. */
export interface AppDataSources {
  /** MongoDB service names (the data sources' `name`). */
  serviceNames: string[];
  /** Their rule files. */
  rules: DataSourceRules[];
  /** Their collections' relationships (resolved by the GraphQL API). */
  relationships: RelationshipFile[];
}

/**
 * Reads the data sources.
 * @param files - the app directory
 * @param unsupported - receives a line per data source or file this server cannot honour
 * @throws ServerError `InvalidConfig` naming the file for an invalid `config.json` or a rule file that is not JSON
 */
export function readDataSources(files: AppFiles, unsupported: string[]): AppDataSources {
  const serviceNames: string[] = [];
  const rules: DataSourceRules[] = [];
  const relationships: RelationshipFile[] = [];
  for (const folder of files.list("data_sources")) {
    const base = `data_sources/${folder}`;
    if (!files.isDir(base)) continue;
    const config = files.json(`${base}/config.json`, dataSourceSchema);
    if (config.type !== "mongodb-atlas") {
      unsupported.push(
        `${base}/config.json: data source ${config.name} of type ${config.type} is not supported: its service is not available`,
      );
      continue;
    }
    serviceNames.push(config.name);
    const source: DataSourceRules = { name: config.name, collections: [], schemas: [] };
    if (files.exists(`${base}/default_rule.json`))
      source.defaultRule = { where: `${base}/default_rule.json`, raw: files.rawJson(`${base}/default_rule.json`) };
    for (const database of files.list(base)) {
      if (!files.isDir(`${base}/${database}`)) continue;
      for (const collection of files.list(`${base}/${database}`)) {
        const at = `${base}/${database}/${collection}`;
        if (!files.isDir(at)) continue;
        if (files.exists(`${at}/rules.json`))
          source.collections.push({ where: `${at}/rules.json`, raw: files.rawJson(`${at}/rules.json`), database, collection });
        if (files.exists(`${at}/schema.json`)) {
          source.schemas?.push({ where: `${at}/schema.json`, raw: files.rawJson(`${at}/schema.json`), database, collection });
        }
        if (files.exists(`${at}/relationships.json`)) {
          const raw = files.rawJson(`${at}/relationships.json`);
          if (hasEntries(raw)) relationships.push({ where: `${at}/relationships.json`, service: config.name, database, collection, raw });
        }
      }
    }
    rules.push(source);
  }
  return { serviceNames, rules, relationships };
}

function hasEntries(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).length > 0;
}
