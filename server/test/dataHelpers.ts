/**
 * Helpers for the data layer's tests: a service over a fresh in-memory or file database.
 * @packageDocumentation
 */
import Database from "better-sqlite3";
import type { Caller } from "../src/contracts.js";
import { createMongoService } from "../src/data/mongoService.js";

/** The service name the tests use. */
export const SERVICE = "mongodb-atlas";
/** A system caller. */
export const SYSTEM: Caller = {};

/**
 * Opens a service on `file` (default `:memory:`), with a `call(name, arg)` shortcut on `demo.items`.
 * @param file - SQLite path
 */
export function openService(file = ":memory:") {
  const db = new Database(file);
  const service = createMongoService({ db, serviceNames: [SERVICE, "mongo-db"] });
  const call = (name: string, arg: Record<string, unknown>, coll = "items"): Promise<unknown> =>
    service.call(SERVICE, name, [{ database: "demo", collection: coll, ...arg }], SYSTEM);
  const close = (): void => {
    service.close();
    db.close();
  };
  return { db, service, call, close };
}
