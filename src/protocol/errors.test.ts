import { describe, expect, it, vi } from "vitest";
import { MongoDBRealmError, RealmTabsError, WatchError, deserializeError } from "./errors.js";
import { isMongoDBRealmError, isRealmTabsError, isWatchError, serializeError } from "./encodeError.js";

describe("error codec", () => {
  it("round-trips a MongoDBRealmError with every field and realm-web's message", () => {
    const e = new MongoDBRealmError("POST", "http://h/x", 404, "Not Found", "function not found: 'g'", "FunctionNotFound", "http://l");
    expect(e.message).toBe("Request failed (POST http://h/x): function not found: 'g' (status 404 Not Found)");
    const back = deserializeError(structuredClone(serializeError(e)));
    expect(isMongoDBRealmError(back)).toBe(true);
    expect(back).toMatchObject({
      statusCode: 404,
      errorCode: "FunctionNotFound",
      error: "function not found: 'g'",
      link: "http://l",
      method: "POST",
      url: "http://h/x",
    });
    expect((back as Error).message).toBe(e.message);
  });

  it("round-trips a RealmTabsError with its code", () => {
    const back = deserializeError(serializeError(new RealmTabsError("timeout", "too slow")));
    expect(isRealmTabsError(back)).toBe(true);
    expect(back).toMatchObject({ code: "timeout", retryable: true, message: "too slow" });
  });

  it("round-trips a WatchError with its code", () => {
    const back = deserializeError(structuredClone(serializeError(new WatchError("InvalidSession", "session gone"))));
    expect(back).toBeInstanceOf(WatchError);
    expect(back).toMatchObject({ name: "WatchError", code: "InvalidSession", message: "session gone" });
  });

  it("knows a WatchError by its brand, so a second copy of this module (the lazy watch module) is recognised", async () => {
    vi.resetModules();
    const copy = await import("./errors.js");
    expect(copy.WatchError).not.toBe(WatchError);
    const foreign = new copy.WatchError("BufferFull", "too slow a reader");
    expect(foreign).not.toBeInstanceOf(WatchError);
    expect(isWatchError(foreign)).toBe(true);
    expect(isWatchError(new Error("x"))).toBe(false);
    expect(isWatchError({ isWatchError: "yes" })).toBe(false);
    expect(serializeError(foreign)).toMatchObject({ kind: "watch", code: "BufferFull", message: "too slow a reader" });
    expect(serializeError(new copy.RealmTabsError("timeout", "late"))).toMatchObject({ kind: "tabs", code: "timeout" });
  });
});
