import { describe, expect, it } from "vitest";
import { Decimal128, EJSON, ObjectId } from "bson";
import { EJSON as EJSON4 } from "bson4";
import { createFunctionsProxy } from "./functions.js";
import { decodeResult, encodeArgs, localCopy } from "./codec/full.js";

describe("functions proxy", () => {
  function recorder() {
    const calls: { name: string; args: unknown[] }[] = [];
    const fns = createFunctionsProxy<Record<string, (...a: unknown[]) => Promise<unknown>>>(async (name, ...args) => {
      calls.push({ name, args });
      return `${name}:${args.length}`;
    });
    return { calls, fns };
  }

  it("calls by property name, and detached methods stay bound", async () => {
    const { calls, fns } = recorder();
    expect(await fns.sum!(1, 2)).toBe("sum:2");
    const f = fns.f!;
    expect(await f(1)).toBe("f:1");
    expect(await fns["with space"]!()).toBe("with space:0");
    expect(calls).toEqual([
      { name: "sum", args: [1, 2] },
      { name: "f", args: [1] },
      { name: "with space", args: [] },
    ]);
  });

  it("callFunction and callFunctionStreaming are reserved names, as in realm-web", async () => {
    const { calls, fns } = recorder();
    expect(await fns.callFunction!("sum", 1, 2)).toBe("sum:2");
    await expect(fns.callFunctionStreaming!("sum")).rejects.toMatchObject({ code: "not-supported" });
    expect(calls).toEqual([{ name: "sum", args: [1, 2] }]);
  });

  it("returns the same function for the same name", () => {
    const { fns } = recorder();
    expect(fns.a).toBe(fns.a);
  });

  it("is not a thenable and does not proxy inspect, symbols or Object.prototype names (they read as on a plain object, as in realm-web)", async () => {
    const { calls, fns } = recorder();
    const record = fns as unknown as Record<string | symbol, unknown>;
    expect(record.then).toBeUndefined();
    expect(record.inspect).toBeUndefined();
    expect(record.toString).toBe(Object.prototype.toString);
    expect((fns as unknown as { toString(): string }).toString()).toBe("[object Object]");
    expect(Object.prototype.hasOwnProperty.call(fns, "sum")).toBe(false);
    expect((fns as unknown as { hasOwnProperty(k: string): boolean }).hasOwnProperty("sum")).toBe(false); // eslint-disable-line no-prototype-builtins -- what an app may write
    expect(record.constructor).toBe(Object);
    expect(record[Symbol.toPrimitive]).toBeUndefined();
    expect(record[Symbol.iterator]).toBeUndefined();
    expect(await Promise.resolve(fns)).toBe(fns); // awaiting it does not call a function named "then"
    expect(calls).toEqual([]);
  });
});

describe("function argument and result codec", () => {
  it("encodes canonical EJSON like realm-web (numbers typed, dates and ids wrapped)", () => {
    const id = new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa");
    expect(encodeArgs([1, 2.5, "s", true, null, [1], { n: 1, d: new Date(0), o: id }])).toBe(
      '[{"$numberInt":"1"},{"$numberDouble":"2.5"},"s",true,null,[{"$numberInt":"1"}],' +
        '{"n":{"$numberInt":"1"},"d":{"$date":{"$numberLong":"0"}},"o":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}}]',
    );
  });

  it("sends undefined as realm-web does: an argument's own undefined keys dropped, deeper ones as null, the caller's object untouched", () => {
    const arg = { a: 1, b: undefined, nested: { c: undefined, d: [{ e: undefined, f: 2 }, undefined] } };
    expect(JSON.parse(encodeArgs([arg, undefined, [undefined]]))).toEqual([
      { a: { $numberInt: "1" }, nested: { c: null, d: [{ e: null, f: { $numberInt: "2" } }, null] } },
      null,
      [null],
    ]);
    expect("b" in arg).toBe(true);
    expect(localCopy(new Date(5))).toEqual(new Date(5));
  });

  it("writes the same text as realm-web 2.0.1 (bson 4.7) for arguments holding undefined", () => {
    const args = [{ query: { owner: undefined, done: false }, project: undefined, deep: [{ x: undefined }] }, "s", { k: undefined }];
    // realm-web's cleanArgs: each object argument loses its own undefined keys; bson 4.7 writes the rest
    const cleaned = args.map((a) => (typeof a === "object" ? Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) : a));
    expect(encodeArgs(args)).toBe(EJSON4.stringify(cleaned, { relaxed: false }));
  });

  it("rejects arguments that cannot be encoded with invalid-argument", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeArgs([cyclic])).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });

  it("decodes relaxed: numbers are numbers, ObjectId/Date/Decimal128 keep their class", () => {
    const id = new ObjectId();
    const value = decodeResult(
      EJSON.stringify({ n: 3, l: { $numberLong: "1337" }, id, d: new Date(7), dec: Decimal128.fromString("1.5") }, { relaxed: false }),
    ) as Record<string, unknown>;
    expect(value.n).toBe(3);
    expect(value.l).toBe(1337);
    expect(value.id).toBeInstanceOf(ObjectId);
    expect((value.id as ObjectId).equals(id)).toBe(true);
    expect(value.d).toEqual(new Date(7));
    expect(value.dec).toBeInstanceOf(Decimal128);
    expect(decodeResult("null")).toBeNull();
    expect(() => decodeResult("{not json")).toThrow(expect.objectContaining({ code: "internal" }));
  });
});
