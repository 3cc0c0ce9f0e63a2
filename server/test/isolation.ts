/**
 * Runs before each server test file. The server's files share worker processes (vitest.config.ts),
 * so a module's state outlives the file that made it; the only such state the tests rely on is
 * realm-web's: one in-memory storage for every `App` of the process, keyed by app id, which would
 * hand a file the users an earlier file logged in against another server.
 * @packageDocumentation
 */
import { getEnvironment } from "realm-web";
import { beforeAll } from "vitest";

beforeAll(() => {
  getEnvironment().defaultStorage.clear();
});
