import { describe, expect, it } from "vitest";
import { isRealmTabsError } from "../../src/protocol/errors.js";
import { assertArgsEJSON, loginBody } from "./requests.js";

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
