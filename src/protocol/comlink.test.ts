/**
 * realm-tabs' endpoints keep error classes and fields without touching Comlink's global transfer
 * handlers: an app that uses Comlink itself (with Comlink's default "throw" handler, or with one
 * of its own) sees no change, before or after realm-tabs connects, in either order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Comlink from "comlink";
import type { RunningServer } from "../../server/src/index.js";
import { emailPassword, openTab, startTestServer, testHost } from "../../test/worker-kit.js";
import { isMongoDBRealmError, isRealmTabsError } from "./encodeError.js";
import { unwrapOutcome, wrapSession } from "./comlink.js";
import { encodeOutcomes, exposeSession } from "./expose.js";
import type { SessionApi } from "./rpc.js";

const APP = "comlink-scope";
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

class AppError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** The app's own Comlink service over its own channel. */
function appService(): { remote: Comlink.Remote<{ fail(): void }>; close(): void } {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(
    {
      fail: () => {
        throw new AppError("app failure", 42);
      },
    },
    port1,
  );
  const remote = Comlink.wrap<{ fail(): void }>(port2);
  return {
    remote,
    close: () => {
      remote[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    },
  };
}

/** Errors realm-tabs calls reject with: a server error and a local one. */
async function realmTabsErrors(): Promise<{ server: unknown; local: unknown; close(): void }> {
  const host = testHost(`comlink-scope-${Date.now()}-${Math.random()}`);
  const tab = openTab(host, server, APP);
  const { appKey } = await tab.connect();
  const serverError = await tab.api.logIn(appKey, emailPassword("nobody@example.com", "wrong-password")).catch((e: unknown) => e);
  const localError = await tab.api.snapshot("no-such-app").catch((e: unknown) => e);
  return {
    server: serverError,
    local: localError,
    close: () => {
      tab.close();
      host.close();
    },
  };
}

function expectTyped(errors: { server: unknown; local: unknown }): void {
  expect(isMongoDBRealmError(errors.server)).toBe(true);
  expect(errors.server).toMatchObject({ statusCode: 401, errorCode: "InvalidPassword", method: "POST" });
  expect(isRealmTabsError(errors.local)).toBe(true);
  expect(errors.local).toMatchObject({ code: "invalid-argument", retryable: false });
}

describe("scoped error transfer", () => {
  it("leaves Comlink's default 'throw' handler in place: the app's errors cross as Comlink sends them", async () => {
    const before = Comlink.transferHandlers.get("throw");
    const errors = await realmTabsErrors();
    try {
      expectTyped(errors);
      expect(Comlink.transferHandlers.get("throw")).toBe(before);
      const app = appService();
      const err = await Promise.resolve(app.remote.fail()).catch((e: unknown) => e);
      app.close();
      // Comlink's default keeps message, name and stack only
      expect(err).toBeInstanceOf(Error);
      expect(err).toMatchObject({ message: "app failure", name: "AppError" });
      expect((err as { code?: unknown }).code).toBeUndefined();
      expect(isRealmTabsError(err)).toBe(false);
    } finally {
      errors.close();
    }
  });

  it("keeps an app's own 'throw' handler, and realm-tabs errors stay typed under it", async () => {
    const original = Comlink.transferHandlers.get("throw")!;
    const own: Comlink.TransferHandler<{ value: unknown }, { message: string; code: unknown }> = {
      canHandle: (v): v is { value: unknown } => original.canHandle(v),
      serialize: ({ value }) => [{ message: (value as Error).message, code: (value as { code?: unknown }).code }, []],
      deserialize: (s) => {
        throw Object.assign(new Error(`app handler: ${s.message}`), { code: s.code });
      },
    };
    Comlink.transferHandlers.set("throw", own);
    try {
      const errors = await realmTabsErrors();
      try {
        expectTyped(errors);
      } finally {
        errors.close();
      }
      expect(Comlink.transferHandlers.get("throw")).toBe(own);
      const app = appService();
      const err = await Promise.resolve(app.remote.fail()).catch((e: unknown) => e);
      app.close();
      expect(err).toMatchObject({ message: "app handler: app failure", code: 42 });
    } finally {
      Comlink.transferHandlers.set("throw", original);
    }
  });

  it("rejects a reply that is not an outcome with a typed error", () => {
    expect(() => unwrapOutcome({ unexpected: true } as never)).toThrow(expect.objectContaining({ code: "internal" }));
  });

  it("exposes a frozen object: a Comlink SET cannot replace a method of the connection", async () => {
    const api = { stats: async () => ({ tabs: 1 }) } as unknown as SessionApi;
    const encoded = encodeOutcomes(api);
    expect(Object.isFrozen(encoded)).toBe(true);
    expect(() => {
      (encoded as unknown as Record<string, unknown>).stats = 1;
    }).toThrow(TypeError);
    await expect(encoded.stats()).resolves.toEqual({ ok: true, value: { tabs: 1 } });
  });

  it("transfers an ArrayBuffer result (a large function answer) instead of copying it", async () => {
    const sent = new TextEncoder().encode('{"big":true}').buffer;
    const api = { callFunction: async () => sent } as unknown as SessionApi;
    const { port1, port2 } = new MessageChannel();
    exposeSession(api, port1);
    const remote = wrapSession(port2);
    const got = await remote.callFunction("k", "u", "f", []);
    expect(new TextDecoder().decode(got as ArrayBuffer)).toBe('{"big":true}');
    expect(sent.byteLength).toBe(0); // detached: it moved to the other side
    remote[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
});
