import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as realmTabs from "../index.js";
import { MemoryStorage } from "./storage.js";
import { getEnvironment, handleAuthRedirect, parseRedirectHash, setEnvironment, stateStorage } from "./environment.js";

/** The names realm-web 2.0.1's typings export as values (not `type` exports), read from the package itself. */
function realmWebValueExports(): string[] {
  const dts = readFileSync(createRequire(import.meta.url).resolve("realm-web/dist/bundle.d.ts"), "utf8");
  const names = new Set<string>();
  for (const m of dts.matchAll(/^export \{([^}]*)\};?$/gm)) {
    for (const part of (m[1] ?? "").split(",")) {
      const spec = part.trim();
      if (!spec || spec.startsWith("type ")) continue;
      const [, exported] = /(?:\S+ as )?(\S+)$/.exec(spec) ?? [];
      if (exported) names.add(exported);
    }
  }
  return [...names].sort();
}

describe("every value realm-web 2.0.1 exports", () => {
  it("is exported by realm-tabs", () => {
    const names = realmWebValueExports();
    expect(names).toContain("handleAuthRedirect");
    expect(names).toContain("BSON");
    const exported = realmTabs as unknown as Record<string, unknown>;
    expect(names.filter((n) => exported[n] === undefined)).toEqual([]);
  });

  it("App.Credentials, getApp and the enums answer as in realm-web", () => {
    expect(realmTabs.App.Credentials).toBe(realmTabs.Credentials);
    expect(realmTabs.UserState.Active).toBe(realmTabs.UserState.LoggedIn);
    expect([realmTabs.UserState.LoggedOut, realmTabs.UserState.Removed]).toEqual(["LoggedOut", "Removed"]);
    expect(realmTabs.UserType).toEqual({ Normal: "normal", Server: "server" });
    expect(realmTabs.DEFAULT_BASE_URL).toBe("https://services.cloud.mongodb.com");
    expect(new realmTabs.BSON.ObjectId()).toBeInstanceOf(realmTabs.BSON.ObjectId);
  });
});

describe("storage and the OAuth redirect handler", () => {
  it("prefixes keys as realm-web does and clears by prefix", () => {
    const root = new MemoryStorage();
    const s = root.prefix("realm-web").prefix("app(x)");
    s.set("k", "v");
    root.set("other", "o");
    expect(root.get("realm-web:app(x):k")).toBe("v");
    s.clear();
    expect(root.get("realm-web:app(x):k")).toBeNull();
    expect(root.get("other")).toBe("o");
  });

  it("LocalStorage needs a localStorage (typed error under Node)", () => {
    expect(() => new realmTabs.LocalStorage()).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("handleAuthRedirect stores the result under the state for the waiting tab", () => {
    const storage = new MemoryStorage();
    handleAuthRedirect({ hash: "#_baas_state=abc&_baas_ua=a%24r%24u%24d&_baas_client_app_id=app" }, storage);
    const stored = stateStorage(storage, "abc").get("result");
    expect(JSON.parse(stored ?? "null")).toEqual({ state: "abc", userAuth: "a$r$u$d", appId: "app" });
    expect(storage.get("oauth2:state(abc):result")).toBe(stored);
  });

  it("handleAuthRedirect never throws on a bad redirect", () => {
    const storage = new MemoryStorage();
    expect(() => handleAuthRedirect({ hash: "#_baas_error=denied" }, storage)).not.toThrow();
    expect(parseRedirectHash("#_baas_error=denied")).toEqual({ error: "denied" });
  });

  it("getEnvironment defaults to a realm-web-prefixed storage; setEnvironment replaces it", () => {
    const before = getEnvironment();
    expect(typeof before.openWindow).toBe("function");
    const storage = new MemoryStorage();
    setEnvironment({ ...before, defaultStorage: storage });
    try {
      handleAuthRedirect({ hash: "#_baas_state=s1&_baas_ua=x" });
      expect(stateStorage(storage, "s1").get("result")).not.toBeNull();
    } finally {
      setEnvironment(before);
    }
  });
});
