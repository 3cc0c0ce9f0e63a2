/**
 * Helpers for the data layer's tests: a service over a fresh in-memory or file database.
 * @packageDocumentation
 */
import Database from "better-sqlite3";
import type { Caller } from "../src/contracts.js";
import { createMongoService, type MongoServiceOptions } from "../src/data/mongoService.js";

/** The service name the tests use. */
export const SERVICE = "mongodb-atlas";
/** A system caller. */
export const SYSTEM: Caller = {};

/**
 * Opens a service on `file` (default `:memory:`), with a `call(name, arg)` shortcut on `demo.items`.
 * @param file - SQLite path
 * @param limits - query evaluation limits (default: the server's defaults)
 * @param more - other options of the service
 */
export function openService(file = ":memory:", limits?: MongoServiceOptions["limits"], more: Partial<MongoServiceOptions> = {}) {
  const db = new Database(file);
  const service = createMongoService({ db, serviceNames: [SERVICE, "mongo-db"], ...(limits === undefined ? {} : { limits }), ...more });
  const call = (name: string, arg: Record<string, unknown>, coll = "items"): Promise<unknown> =>
    service.call(SERVICE, name, [{ database: "demo", collection: coll, ...arg }], SYSTEM);
  const close = async (): Promise<void> => {
    await service.close();
    db.close();
  };
  return { db, service, call, close };
}
