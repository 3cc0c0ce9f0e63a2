/**
 * Test support: the server running an exported app written into a temporary folder, and the
 * pieces of app config the tests share.
 * @packageDocumentation
 */
import { rm } from "node:fs/promises";
import { startServer, type RunningServer, type StartServerOptions } from "../src/index.js";
import { writeApp, type AppFileMap } from "./appDir.js";

/** `auth/custom_user_data.json` of the tests: the documents of `demo.userData`, keyed by `userId`. */
export const CUSTOM_USER_DATA = {
  enabled: true,
  mongo_service_name: "mongodb-atlas",
  database_name: "demo",
  collection_name: "userData",
  user_id_field: "userId",
} as const;

/** A server on an app directory; `close()` stops it and removes the directory. */
export interface AppServer {
  server: RunningServer;
  /** The app directory. */
  dir: string;
  close(): Promise<void>;
}

/**
 * Writes `files` as an exported app (see {@link writeApp}) and starts the server on it: in memory,
 * on 127.0.0.1 and a free port, warnings muted unless `options` says otherwise.
 * @param files - the app's files
 * @param options - more server options (they win over the defaults)
 * @throws whatever {@link startServer} throws (the directory is removed first)
 */
export async function startAppServer(files: AppFileMap, options: StartServerOptions = {}): Promise<AppServer> {
  const dir = await writeApp(files);
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let server: RunningServer;
  try {
    server = await startServer({ inMemory: true, appDir: dir, onWarning: () => undefined, ...options });
  } catch (error) {
    await removeDir();
    throw error;
  }
  return {
    server,
    dir,
    async close() {
      await server.close();
      await removeDir();
    },
  };
}
