import * as bson from "bson";
import vm from "node:vm";
import { describe, expect, test } from "vitest";
import { createUtils } from "./utilsGlobal.js";

const DOCS_TOKEN =
  "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSBTY2htb2UiLCJpYXQiOjE1NjU3MjEyMjMxODd9.-QL15ldu2BYuJokNWT6YRiwZQIiIpvq6Kyv-C6qslNdNiUVxo8zqLJZ1iEkNf2yZKMIrQuMCtIC1tzd2H31AxA";

/** Runs `source` (a function body) in a vm context like the sandbox's, with `utils` as a global. */
function run(source: string, ...args: unknown[]): unknown {
  const context = vm.createContext({ BSON: bson, utils: createUtils() });
  const fn: unknown = vm.runInContext(`(function () { ${source} })`, context);
  if (typeof fn !== "function") throw new Error("not a function");
  return (fn as (...a: unknown[]) => unknown)(...args);
}

describe("createUtils", () => {
  test("has the documented methods, frozen", () => {
    const utils = createUtils();
    expect(Object.keys(utils.jwt).sort()).toEqual(["decode", "encode"]);
    expect(Object.keys(utils.crypto).sort()).toEqual(["decrypt", "encrypt", "hash", "hmac", "sign", "verify"]);
    expect(Object.isFrozen(utils) && Object.isFrozen(utils.jwt) && Object.isFrozen(utils.crypto)).toBe(true);
  });

  test("the docs' examples run synchronously in a vm context, with its objects and arrays", () => {
    expect(run(`return utils.crypto.hash("sha256", "hello!").toString("base64");`)).toBe("zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=");
    expect(run(`return utils.crypto.hmac("hello!", "super-secret", "sha256", "base64");`)).toBe(
      "SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=",
    );
    const payload = `{ "sub": "1234567890", "name": "Joe Schmoe", "iat": 1565721223187 }`;
    expect(run(`return utils.jwt.encode("HS512", ${payload}, "SuperSecret");`)).toBe(DOCS_TOKEN);
    expect(run(`const [t] = arguments; return utils.jwt.decode(t, "SuperSecret", false, ["HS512"]).name;`, DOCS_TOKEN)).toBe("Joe Schmoe");
    const roundTrip = `
      const key = "603082712271C525E087BD999A4E0738";
      const encrypted = utils.crypto.encrypt("aes", "MongoDB is great!", key);
      const copy = BSON.Binary.createFromBase64(encrypted.toString("base64"));
      return utils.crypto.decrypt("aes", copy, key).toString("utf8");`;
    expect(run(roundTrip)).toBe("MongoDB is great!");
  });

  test("errors reach the function as Errors it can catch", () => {
    expect(run(`try { utils.crypto.hash("sha512", "x"); } catch (e) { return e.message; }`)).toContain(
      'unsupported hash_function "sha512"',
    );
  });
});
