/**
 * Reads `triggers/*.json` of an exported app: database, authentication and scheduled triggers whose
 * events go to a function, in both file formats (`event_processors.FUNCTION.config.function_name`,
 * or `function_name` at the top). Disabled triggers, AWS EventBridge processors and the operation
 * types this server never emits are listed, not run.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { z } from "zod";
import type { AuthOperation, DatabaseOperation, TriggerSpec } from "../triggers/types.js";
import { appError, type AppFiles } from "./files.js";

const document = z.record(z.string(), z.unknown());

const triggerFileSchema = z
  .object({
    name: z.string().optional(),
    type: z.string(),
    disabled: z.boolean().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    function_name: z.string().optional(),
    event_processors: z.record(z.string(), z.object({ config: z.record(z.string(), z.unknown()).optional() }).loose()).optional(),
  })
  .loose();

const databaseConfigSchema = z
  .object({
    service_name: z.string().optional(),
    database: z.string().optional(),
    collection: z.string().optional(),
    operation_types: z.array(z.string()).min(1),
    full_document: z.boolean().optional(),
    full_document_before_change: z.boolean().optional(),
    match: document.optional(),
    project: document.optional(),
    unordered: z.boolean().optional(),
  })
  .loose();

// App Services' own export writes one operation type as a string; its config reference, an array.
const authConfigSchema = z
  .object({ operation_type: z.union([z.string(), z.array(z.string()).min(1)]), providers: z.array(z.string()).min(1) })
  .loose();
const scheduledConfigSchema = z.object({ schedule: z.string().min(1) }).loose();

const DB_OPERATIONS: ReadonlySet<string> = new Set(["INSERT", "UPDATE", "REPLACE", "DELETE"]);
const AUTH_OPERATIONS: ReadonlySet<string> = new Set(["LOGIN", "CREATE", "DELETE"]);

/** The triggers an app runs, and a line for each one (or part of one) it does not. */
export interface AppTriggers {
  triggers: TriggerSpec[];
  unsupported: string[];
}

function parsed<T>(file: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success)
    throw appError(file, `config: ${result.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
  return result.data;
}

function functionNameOf(file: string, trigger: z.infer<typeof triggerFileSchema>): string | undefined {
  const fromProcessor = trigger.event_processors?.FUNCTION?.config?.function_name;
  const name = typeof fromProcessor === "string" ? fromProcessor : trigger.function_name;
  if (name === undefined && trigger.event_processors?.AWS_EVENTBRIDGE === undefined) throw appError(file, "no function_name");
  return name;
}

function readOne(file: string, raw: z.infer<typeof triggerFileSchema>, functionName: string, out: AppTriggers): void {
  const name = raw.name ?? file.slice("triggers/".length, -".json".length);
  if (raw.type === "DATABASE") {
    const c = parsed(file, databaseConfigSchema, raw.config);
    if (!c.database) {
      out.unsupported.push(`${file}: trigger ${name} watches the whole deployment, which this server does not run`);
      return;
    }
    const kept = c.operation_types.filter((op) => DB_OPERATIONS.has(op)) as DatabaseOperation[];
    const dropped = c.operation_types.filter((op) => !DB_OPERATIONS.has(op));
    if (dropped.length > 0)
      out.unsupported.push(`${file}: trigger ${name} never fires on ${dropped.join(", ")} (this server emits only document changes)`);
    if (kept.length === 0) return;
    out.triggers.push({
      type: "DATABASE",
      name,
      functionName,
      service: c.service_name ?? "mongodb-atlas",
      database: c.database,
      collection: c.collection === undefined || c.collection === "" ? undefined : c.collection,
      operationTypes: new Set(kept),
      fullDocument: c.full_document === true,
      fullDocumentBeforeChange: c.full_document_before_change === true,
      // Extended JSON values in them (`{"$oid": …}`, `{"$date": …}`) are BSON values, as App Services reads them
      match: c.match === undefined ? undefined : (EJSON.deserialize(c.match) as Record<string, unknown>),
      project: c.project,
      unordered: c.unordered === true,
    });
  } else if (raw.type === "AUTHENTICATION") {
    const c = parsed(file, authConfigSchema, raw.config);
    const operations = typeof c.operation_type === "string" ? [c.operation_type] : c.operation_type;
    const bad = operations.find((op) => !AUTH_OPERATIONS.has(op));
    if (bad !== undefined) throw appError(file, `unknown operation_type ${JSON.stringify(bad)} (LOGIN, CREATE or DELETE)`);
    const operationTypes = new Set(operations as AuthOperation[]);
    out.triggers.push({ type: "AUTHENTICATION", name, functionName, operationTypes, providers: new Set(c.providers) });
  } else if (raw.type === "SCHEDULED") {
    const c = parsed(file, scheduledConfigSchema, raw.config);
    out.triggers.push({ type: "SCHEDULED", name, functionName, schedule: c.schedule });
  } else {
    out.unsupported.push(`${file}: trigger ${name} (${raw.type}) is not run`);
  }
}

/**
 * Reads the app's triggers.
 * @param files - the app directory
 * @param functions - the names of the app's functions
 * @returns the triggers to run and the lines for what is not run
 * @throws ServerError `InvalidConfig` naming the file for an invalid trigger or an unknown function
 */
export function readTriggers(files: AppFiles, functions: ReadonlySet<string>): AppTriggers {
  const out: AppTriggers = { triggers: [], unsupported: [] };
  for (const entry of files.list("triggers")) {
    if (!entry.endsWith(".json")) continue;
    const file = `triggers/${entry}`;
    const raw = files.json(file, triggerFileSchema);
    const name = raw.name ?? entry.slice(0, -".json".length);
    const functionName = functionNameOf(file, raw);
    if (raw.disabled === true) {
      out.unsupported.push(`${file}: trigger ${name} is disabled: it is not run`);
      continue;
    }
    if (functionName === undefined) {
      out.unsupported.push(`${file}: trigger ${name} sends its events to AWS EventBridge, which this server cannot reach: it is not run`);
      continue;
    }
    if (!functions.has(functionName)) throw appError(file, `function ${JSON.stringify(functionName)} does not exist`);
    readOne(file, raw, functionName, out);
  }
  return out;
}
