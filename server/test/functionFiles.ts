/**
 * Test support: a worker-thread function runner over function sources written into a temporary
 * folder, with an in-memory MongoDB service open to every caller.
 * @packageDocumentation
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionRunner } from "../src/contracts.js";
import { createMongoService } from "../src/data/index.js";
import { createFunctionRunner } from "../src/functions/index.js";
import { openAccess } from "../src/rules/index.js";

/** A runner over written sources; `close()` stops it and removes everything. */
export interface FunctionFiles {
  runner: FunctionRunner;
  mongo: ReturnType<typeof createMongoService>;
  close(): Promise<void>;
}

/**
 * Writes `files` (name → source) and starts a runner on them.
 * @param files - the sources, e.g. `{ "sum.js": "exports = (a, b) => a + b;" }`
 * @param values - `context.values`
 * @param maxResultDocuments - the service's cap on a query's documents (default: the server's)
 */
export async function startFunctionFiles(
  files: Record<string, string>,
  values: Record<string, unknown> = {},
  maxResultDocuments?: number,
): Promise<FunctionFiles> {
  const dir = mkdtempSync(join(tmpdir(), "rt-fn-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const db = new Database(":memory:");
  const limits = maxResultDocuments === undefined ? {} : { limits: { maxResultDocuments } };
  const mongo = createMongoService({ db, serviceNames: ["mongodb-atlas"], access: openAccess(undefined), ...limits });
  const runner = await createFunctionRunner({ dir, timeoutMs: 2000, values, mongo });
  return {
    runner,
    mongo,
    async close() {
      await runner.close();
      await mongo.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
