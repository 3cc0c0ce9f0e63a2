import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nativeBindingHint } from "./startupHint.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "rt-hint-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** The error better-sqlite3 itself throws when opening a database with `nativeBinding`. */
function openWith(nativeBinding: string): unknown {
  try {
    new Database(":memory:", { nativeBinding }).close();
  } catch (err) {
    return err;
  }
  throw new Error("better-sqlite3 opened a database without its native module");
}

function expectHint(hint: string | undefined): void {
  expect(hint).toBeDefined();
  expect(hint).not.toContain("\n"); // one paragraph
  expect(hint).toContain("npm pkg set allowScripts.better-sqlite3=true --json && npm rebuild better-sqlite3");
  expect(hint).toContain("npm install -g realm-tabs-server --allow-scripts=better-sqlite3");
  expect(hint).toContain(process.version);
}

describe("nativeBindingHint", () => {
  it("explains a native module that is not there", () => {
    const err = openWith(join(dir, "build/Release/better_sqlite3.node"));
    const hint = nativeBindingHint(err);
    expectHint(hint);
    expect(hint).toContain("Cannot find module");
  });

  it("explains a native module that cannot be loaded (not a library of this platform)", async () => {
    const file = join(dir, "better_sqlite3.node");
    await writeFile(file, "not a shared object");
    const err = openWith(file);
    expect((err as { code?: string }).code).toBe("ERR_DLOPEN_FAILED");
    expectHint(nativeBindingHint(err));
  });

  it("explains the message of the bindings lookup, found in an error's cause", () => {
    // what better-sqlite3's `bindings` lookup throws when npm never built the module
    const lookup = new Error(
      "Could not locate the bindings file. Tried:\n → /app/node_modules/better-sqlite3/build/better_sqlite3.node\n → /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node",
    );
    const hint = nativeBindingHint(new Error("opening the store failed", { cause: lookup }));
    expectHint(hint);
    expect(hint).toContain("(better-sqlite3 said: Could not locate the bindings file.)");
  });

  it("says nothing about other start-up errors", () => {
    expect(
      nativeBindingHint(Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:8787"), { code: "EADDRINUSE" })),
    ).toBeUndefined();
    expect(nativeBindingHint("a string")).toBeUndefined();
    expect(nativeBindingHint(undefined)).toBeUndefined();
  });
});
