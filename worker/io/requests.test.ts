import { describe, expect, it } from "vitest";
import { isRealmTabsError } from "../../src/protocol/encodeError.js";
import { LARGE_RESULT_BYTES, assertArgsEJSON, callFunction, loginBody } from "./requests.js";
import type { Transport } from "./transport.js";

describe("login body", () => {
  it("spreads the payload, adds options.device in realm-web's key order, device id as $oid", () => {
    const body = loginBody('{"username":"a@b.c","password":"pw"}', {
      sdkVersion: "s",
      platform: "web",
      platformVersion: "1",
      appId: "demo",
      deviceId: "65f0aaaaaaaaaaaaaaaaaaaa",
    });
    expect(body).toBe(
      '{"username":"a@b.c","password":"pw","options":{"device":{"sdkVersion":"s","platform":"web","platformVersion":"1","appId":"demo","deviceId":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}}}}',
    );
  });

  it("keeps BSON values of the payload canonical", () => {
    expect(loginBody('{"n":{"$numberLong":"5"}}', { sdkVersion: "s", platform: "p", platformVersion: "v" })).toBe(
      '{"n":{"$numberLong":"5"},"options":{"device":{"sdkVersion":"s","platform":"p","platformVersion":"v"}}}',
    );
  });

  it("refuses payloads that are not EJSON objects, and arguments that are not arrays", () => {
    for (const bad of ["[1]", "nope", "3"]) {
      let err: unknown;
      try {
        loginBody(bad, { sdkVersion: "s", platform: "p", platformVersion: "v" });
      } catch (e) {
        err = e;
      }
      expect(isRealmTabsError(err) && err.code).toBe("invalid-argument");
    }
    expect(() => assertArgsEJSON('{"a":1}')).toThrow("argsEJSON must encode an array");
    expect(() => assertArgsEJSON("[1,")).toThrow("argsEJSON is not valid JSON");
    expect(() => assertArgsEJSON('[{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}]')).not.toThrow();
  });
});

describe("function call answers", () => {
  /** A transport whose one answer has `text` as its body. */
  const answering = (text: string): Transport => ({
    send: async (req) => {
      expect(req.binary).toBe(true);
      return { status: 200, text: "", bytes: new TextEncoder().encode(text).buffer, receivedAt: 0 };
    },
    hostname: async () => "http://h",
  });

  it("returns a small answer as text (an empty one as null), and a large one as its bytes, undecoded", async () => {
    expect(await callFunction(answering('{"$numberInt":"42"}'), "app", "t", "sum", "[]")).toBe('{"$numberInt":"42"}');
    expect(await callFunction(answering(""), "app", "t", "f", "[]")).toBe("null");
    const large = JSON.stringify({ s: "é".repeat(LARGE_RESULT_BYTES) });
    const bytes = await callFunction(answering(large), "app", "t", "f", "[]");
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(bytes as ArrayBuffer)).toBe(large);
    const justBelow = "x".repeat(LARGE_RESULT_BYTES - 3);
    expect(await callFunction(answering(`"${justBelow}"`), "app", "t", "f", "[]")).toBe(`"${justBelow}"`);
  });
});
