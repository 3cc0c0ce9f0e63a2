import { describe, expect, it } from "vitest";
import { ShapeError, array, boolean, nullable, nullish, number, object, oneOf, optional, record, string, tryCheck } from "./shape.js";

const connect = object({
  tabId: string({ min: 1, max: 3 }),
  url: string({ pattern: /^https?:/, patternMessage: "must be an http(s) URL" }),
  n: number,
  flag: boolean,
  kind: oneOf(["a", "b"] as const),
  app: optional(object({ name: string() })),
  token: nullish(string()),
  device: nullable(string()),
  list: array(string(), 2),
  data: record,
});
const good = { tabId: "t", url: "http://x", n: 1, flag: true, kind: "a", token: undefined, device: null, list: ["x"], data: { k: 1 } };

describe("shape checks", () => {
  it("returns the declared keys only, with nullish read as null and undefined optionals left out", () => {
    const value = connect({ ...good, extra: "dropped" });
    expect(value).toEqual({
      tabId: "t",
      url: "http://x",
      n: 1,
      flag: true,
      kind: "a",
      token: null,
      device: null,
      list: ["x"],
      data: { k: 1 },
    });
    expect("app" in value).toBe(false);
    expect(connect({ ...good, app: { name: "n", other: 1 } }).app).toEqual({ name: "n" });
  });

  it.each([
    [{ ...good, tabId: "" }, ".tabId", "expected at least 1 characters"],
    [{ ...good, tabId: "long" }, ".tabId", "expected at most 3 characters"],
    [{ ...good, url: "ftp://x" }, ".url", "must be an http(s) URL"],
    [{ ...good, n: Number.NaN }, ".n", "expected a number"],
    [{ ...good, flag: "yes" }, ".flag", "expected a boolean"],
    [{ ...good, kind: "c" }, ".kind", "expected one of a, b"],
    [{ ...good, app: { name: 3 } }, ".app.name", "expected a string"],
    [{ ...good, device: undefined }, ".device", "expected a string"],
    [{ ...good, list: ["a", 1] }, ".list.1", "expected a string"],
    [{ ...good, list: ["a", "b", "c"] }, ".list", "expected at most 2 items"],
    [{ ...good, data: [] }, ".data", "expected an object"],
    [null, "", "expected an object"],
  ])("names where a value is wrong: %j", (value, path, message) => {
    let error: unknown;
    try {
      connect(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect(error).toMatchObject({ path, message });
  });

  it("tryCheck returns null for a value that does not fit, and rethrows anything else", () => {
    expect(tryCheck(oneOf(["x"] as const), "y")).toBeNull();
    expect(tryCheck(oneOf(["x"] as const), "x")).toBe("x");
    const broken = (): never => {
      throw new TypeError("boom");
    };
    expect(() => tryCheck(broken, 1)).toThrow(TypeError);
  });
});
