import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUILD_ID,
  BUILDS_CHANNEL,
  DATABASE_NAME,
  KEYS_DATABASE_NAME,
  LIBRARY_VERSION,
  WORKER_NAME,
  appKeyFor,
  channelName,
  leaderLockName,
  refreshLockName,
  rpcChannelName,
  tabLockName,
} from "./names.js";

describe("names", () => {
  it("the build id carries the version of package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name: string; version: string };
    expect(LIBRARY_VERSION).toBe(pkg.version);
    expect(BUILD_ID).toBe(`${pkg.name}@${pkg.version}`);
  });

  it("the app key drops trailing slashes of the base URL", () => {
    expect(appKeyFor("app", "http://127.0.0.1:8787//")).toBe("app@http://127.0.0.1:8787");
  });

  it("every channel and lock name is distinct and prefixed", () => {
    const names = [
      channelName(appKeyFor("a", "http://h")),
      tabLockName("t"),
      refreshLockName("a@http://h", "u"),
      leaderLockName(WORKER_NAME),
      rpcChannelName(WORKER_NAME),
      BUILDS_CHANNEL,
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const n of [...names, WORKER_NAME, DATABASE_NAME, KEYS_DATABASE_NAME]) expect(n.startsWith("realm-tabs")).toBe(true);
    expect(names).toEqual([
      "realm-tabs:a@http://h",
      "realm-tabs:tab:t",
      "realm-tabs:refresh:a@http://h:u",
      "realm-tabs:leader:realm-tabs",
      "realm-tabs:rpc:realm-tabs",
      "realm-tabs:builds",
    ]);
  });
});
