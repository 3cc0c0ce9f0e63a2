/**
 * The server's data layer: an embedded MongoDB-compatible document store (SQLite + mingo) and
 * the MongoDB service on top of it.
 * @packageDocumentation
 */
export { createMongoService, type MongoServiceOptions } from "./mongoService.js";
