/**
 * Wires the server: the shared SQLite database, the MongoDB service (server/data), the function
 * runner (server/functions) and the HTTP app (server/http).
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import type { ServerConfig } from "./config.js";
import type { FunctionRunner, MongoService } from "./contracts.js";
import { createMongoService } from "./data/index.js";
import { openDatabase, type Db, type DbLocation } from "./db.js";
import { createFunctionRunner } from "./functions/index.js";
import { buildHttpApp } from "./http/build.js";

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  config: ServerConfig;
  location: DbLocation;
  /** Folder of App Services-style function sources, or undefined for none. */
  functionsDir: string | undefined;
  logger?: boolean;
}

/** The wired server, not yet listening. */
export interface AppHandle {
  app: FastifyInstance;
  db: Db;
  mongo: MongoService;
  runner: FunctionRunner;
  /** Closes streams, the HTTP app, the runner, the data layer and the database, in that order. */
  close(): Promise<void>;
}

/**
 * Creates the wired app.
 * @throws Error if the database cannot be opened or the functions folder cannot be loaded.
 */
export async function createApp(options: CreateAppOptions): Promise<AppHandle> {
  const { config } = options;
  const db = openDatabase(options.location);
  const mongo = createMongoService({ db, serviceNames: config.mongoServiceNames });
  let runner: FunctionRunner;
  try {
    runner = await createFunctionRunner({ dir: options.functionsDir, timeoutMs: config.functionTimeoutMs, values: config.values, mongo });
  } catch (err) {
    mongo.close();
    db.close();
    throw err;
  }
  const { app, streams } = await buildHttpApp({ config, db, mongo, runner, logger: options.logger ?? false });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      streams.closeAll();
      await app.close();
      await runner.close();
      mongo.close();
      db.close();
    })();
    return closed;
  };
  return { app, db, mongo, runner, close };
}
