/**
 * Test support: writes an exported App Services app directory into a temporary folder.
 * @packageDocumentation
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Files by path relative to the app directory: a string is written as is, anything else as JSON. */
export type AppFileMap = Record<string, unknown>;

/**
 * Writes an app directory.
 * @param files - the files (`root_config.json` defaults to `{name: "test-app"}` when absent)
 * @returns the directory (the caller removes it)
 */
export async function writeApp(files: AppFileMap): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rt-app-"));
  const all: AppFileMap = { "root_config.json": { name: "test-app" }, ...files };
  for (const [path, content] of Object.entries(all)) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

/** The data source config of `mongodb-atlas`. */
export const ATLAS = { name: "mongodb-atlas", type: "mongodb-atlas", config: { clusterName: "local" } };

/** A rule file for `db.coll` that lets every user read and write every document. */
export function everyone(database: string, collection: string): Record<string, unknown> {
  return { database, collection, roles: [{ name: "all", apply_when: {}, read: true, write: true, insert: true, delete: true }] };
}

/** An owner-only rule file for `db.coll`: the document's `owner_id` must be the user's id. */
export function ownerOnly(database: string, collection: string, ownerField = "owner_id"): Record<string, unknown> {
  return {
    database,
    collection,
    roles: [{ name: "owner", apply_when: { [ownerField]: "%%user.id" }, read: true, write: true, insert: true, delete: true }],
  };
}
