import { describe, expect, it } from "vitest";
import {
  MongoDBRealmError,
  RealmTabsError,
  WatchError,
  deserializeError,
  isMongoDBRealmError,
  isRealmTabsError,
  serializeError,
} from "./errors.js";

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
});
