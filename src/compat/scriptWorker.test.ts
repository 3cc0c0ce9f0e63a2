import { afterEach, describe, expect, it, vi } from "vitest";
import { isRealmTabsError } from "../protocol/encodeError.js";

/** A fresh copy of the module (its worker URL is module state). */
async function fresh(): Promise<typeof import("./scriptWorker.js")> {
  vi.resetModules();
  return import("./scriptWorker.js");
}

function script(src: string, dataWorker?: string): { src: string; getAttribute(name: string): string | null } {
  return { src, getAttribute: (name) => (name === "data-worker" ? (dataWorker ?? null) : null) };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isRealmTabsError(e) ? e.code : `not a RealmTabsError: ${String(e)}`;
  }
  return undefined;
}

describe("the <script> build's worker URL", () => {
  afterEach(async () => {
    vi.unstubAllGlobals();
  });

  it("is realm-tabs.worker.js beside the script that loaded the build", async () => {
    const m = await fresh();
    m.captureScriptWorkerUrl(script("https://cdn.example/npm/realm-tabs@1/dist/realm-tabs.iife.js?v=2"));
    expect(m.scriptWorkerUrl().href).toBe("https://cdn.example/npm/realm-tabs@1/dist/realm-tabs.worker.js");
  });

  it("follows the script's data-worker attribute, resolved against the script", async () => {
    const m = await fresh();
    m.captureScriptWorkerUrl(script("https://app.example/js/realm-tabs.iife.js", "../workers/session.js"));
    expect(m.scriptWorkerUrl().href).toBe("https://app.example/workers/session.js");
  });

  it("is unknown without a script element with a src (inline or module script): worker-unavailable", async () => {
    const m = await fresh();
    m.captureScriptWorkerUrl(null);
    m.captureScriptWorkerUrl(script(""));
    expect(code(() => m.scriptWorkerUrl())).toBe("worker-unavailable");
  });

  it("setWorkerUrl overrides it, relative to the page", async () => {
    vi.stubGlobal("document", { baseURI: "https://app.example/pages/home.html" });
    const m = await fresh();
    m.captureScriptWorkerUrl(script("https://cdn.example/realm-tabs.iife.js"));
    m.setWorkerUrl("/assets/realm-tabs.worker.js");
    expect(m.scriptWorkerUrl().href).toBe("https://app.example/assets/realm-tabs.worker.js");
    m.setWorkerUrl(new URL("https://other.example/w.js"));
    expect(m.scriptWorkerUrl().href).toBe("https://other.example/w.js");
  });

  it("rejects what is not a URL with invalid-argument and keeps the URL it had", async () => {
    const m = await fresh();
    m.captureScriptWorkerUrl(script("https://cdn.example/realm-tabs.iife.js"));
    expect(code(() => m.setWorkerUrl("no base, no scheme"))).toBe("invalid-argument");
    expect(code(() => m.captureScriptWorkerUrl(script("not a url")))).toBe("invalid-argument");
    expect(m.scriptWorkerUrl().href).toBe("https://cdn.example/realm-tabs.worker.js");
  });

  it("hands out a copy: changing the returned URL changes nothing", async () => {
    const m = await fresh();
    m.captureScriptWorkerUrl(script("https://cdn.example/realm-tabs.iife.js"));
    m.scriptWorkerUrl().pathname = "/elsewhere.js";
    expect(m.scriptWorkerUrl().pathname).toBe("/realm-tabs.worker.js");
  });
});
