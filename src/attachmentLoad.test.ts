/**
 * The runtime connection's code (attachment.ts) is loaded by `new App()` at once, apart from the
 * page's start: the App answers from the last known state meanwhile, an App closed before the code
 * arrived starts no runtime, and code that cannot be loaded fails `ready` and every call with a
 * typed, retryable error instead of hanging them.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.js";
import { Credentials } from "./credentials.js";
import { MemoryStorage } from "./compat/storage.js";
import { isRealmTabsError } from "./protocol/encodeError.js";
import { BASE, closeAll, tabs, tracked } from "../test/memory-runtime.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.doUnmock("./attachment.js");
  vi.resetModules();
  closeAll();
});

/** A signed-in user stored as the last known state in `storage` by a first tab. */
async function signedIn(storage: MemoryStorage): Promise<string> {
  const {
    apps: [a],
  } = tabs(1, { storage });
  const user = await a!.logIn(Credentials.anonymous());
  return user.id;
}

describe("loading the runtime connection", () => {
  it("an App closed before the connection's code arrived starts no runtime and rejects ready with runtime-closed", async () => {
    const worker = vi.fn(() => new MessageChannel().port1);
    const app = new App({ id: "test-app", baseUrl: BASE, worker });
    app.close();
    const error: unknown = await app.ready.catch((e: unknown) => e);
    expect(isRealmTabsError(error) && error.code).toBe("runtime-closed");
    await expect(app.stats()).rejects.toMatchObject({ code: "runtime-closed" });
    expect(worker).not.toHaveBeenCalled();
  });

  it("code that cannot be loaded rejects ready and calls with a retryable network error; the last state still reads", async () => {
    const storage = new MemoryStorage();
    const id = await signedIn(storage);
    // the stored custom data holds a Date: its codec shares the failing code, and may warn so
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.resetModules();
    vi.doMock("./attachment.js", () => {
      throw new Error("the chunk answered 404");
    });
    const { App: Fresh } = await import("./app.js");
    const worker = vi.fn(() => new MessageChannel().port1);
    const app = new Fresh({ id: "test-app", baseUrl: BASE, worker, storage });
    tracked.apps.push(app);
    // no await: answered from the stored state while the code loads (and fails)
    expect(app.currentUser?.id).toBe(id);
    const error: unknown = await app.ready.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "network", retryable: true });
    expect(String((error as Error).message)).toContain("the runtime connection");
    await expect(app.currentUser!.callFunction("sum", 1, 2)).rejects.toMatchObject({ code: "network" });
    expect(app.currentUser?.id).toBe(id);
    expect(worker).not.toHaveBeenCalled();
  });
});
