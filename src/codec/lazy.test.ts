import { describe, expect, it } from "vitest";
import { Decimal128, EJSON, Long, ObjectId } from "bson";
import { Mirror, type MirrorUpdate } from "../mirror.js";
import type { AppSnapshot } from "../protocol/snapshots.js";
import {
  codecFor,
  decodeFromRuntime,
  decodeWithoutBson,
  encodeArgsForRuntime,
  encodeCanonical,
  isPlainData,
  loadedFullCodec,
} from "./lazy.js";

// This file runs in its own module registry: the full codec is not loaded until a test needs it.

const snapshot = (customDataEJSON: string): AppSnapshot => ({
  appKey: "k",
  epoch: 1,
  users: [
    {
      id: "a",
      state: "LoggedIn",
      providerType: "anon-user",
      accessToken: "t",
      refreshToken: null,
      deviceId: null,
      profile: { type: "normal", identities: [], data: {} },
      customDataEJSON,
      accessTokenExpiresAt: null,
    },
  ],
  currentUserId: "a",
  deviceId: null,
});

describe("the lazy EJSON codec", () => {
  it("decodes number-only EJSON without bson, exactly as bson's relaxed parse does", () => {
    const samples = [
      { n: 1, neg: -7, big: 2147483647, d: 1.5, z: 0, s: "a $ sign", nested: [{ x: 3 }, null, true] },
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -2.5e-8],
      "just a string",
      null,
    ];
    for (const value of samples) {
      for (const relaxed of [false, true]) {
        const text = EJSON.stringify(value, { relaxed });
        expect(decodeWithoutBson(text)).toEqual({ value: EJSON.parse(text, { relaxed: true }) });
      }
    }
    expect(loadedFullCodec()).toBeNull(); // nothing above needed bson in the tab
  });

  it("leaves every other marker, and malformed number wrappers, to the full codec", () => {
    for (const value of [
      { id: new ObjectId() },
      { l: Long.fromString("9007199254740993") },
      { d: new Date(0) },
      { x: Decimal128.fromString("1.5") },
    ]) {
      expect(decodeWithoutBson(EJSON.stringify(value, { relaxed: false }))).toBeNull();
    }
    expect(decodeWithoutBson('{"$numberInt":"1.5"}')).toBeNull();
    expect(decodeWithoutBson('{"$numberInt":"99999999999"}')).toBeNull();
    expect(decodeWithoutBson('{"$numberDouble":"1","other":2}')).toBeNull();
    expect(() => decodeWithoutBson("{not json")).toThrow(SyntaxError);
  });

  it("sends plain arguments as data and the rest as canonical EJSON", async () => {
    expect(isPlainData([1, "s", null, undefined, new Date(0), { a: [true] }, Object.create(null)])).toBe(true);
    expect(isPlainData([new ObjectId()])).toBe(false);
    expect(isPlainData([{ _bsontype: "ObjectId" }])).toBe(false);
    expect(isPlainData([10n])).toBe(false);
    expect(isPlainData([new Map()])).toBe(false);
    expect(isPlainData([() => 1])).toBe(false);
    // realm-web's cleanArgs: an argument's own undefined keys are dropped; deeper ones stay (the runtime writes null)
    expect(await encodeArgsForRuntime([{ a: 1, b: undefined, c: { d: undefined } }, undefined])).toEqual([
      { a: 1, c: { d: undefined } },
      undefined,
    ]);
    // a request body: undefined as null at any depth, as realm-web's bson writes it
    expect(await encodeCanonical({ username: "u", password: "p", x: undefined, y: [undefined] }, "payload")).toBe(
      '{"username":"u","password":"p","x":null,"y":[null]}',
    );
    expect(await encodeCanonical(undefined, "payload")).toBe("null");
    expect(loadedFullCodec()).toBeNull();
    const id = new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa");
    expect(await encodeArgsForRuntime([{ id, n: 1 }])).toBe('[{"id":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"},"n":{"$numberInt":"1"}}]');
    expect(loadedFullCodec()).not.toBeNull();
  });

  it("keeps a document's own __proto__ key (as JSON.parse makes it) when the full codec writes it", async () => {
    const doc = JSON.parse('{"__proto__":{"a":1},"b":2}') as Record<string, unknown>;
    const id = new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa");
    expect(await encodeArgsForRuntime([{ id, doc }])).toBe(
      '[{"id":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"},"doc":{"__proto__":{"a":{"$numberInt":"1"}},"b":{"$numberInt":"2"}}}]',
    );
    // the caller's object is left as it was
    expect(Object.keys(doc)).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
  });

  it("decodes results with BSON values with the full codec, and rejects non-EJSON with internal", async () => {
    const id = new ObjectId();
    const value = (await decodeFromRuntime(EJSON.stringify({ id, n: 2 }, { relaxed: false }))) as { id: ObjectId; n: number };
    expect(value.id).toBeInstanceOf(ObjectId);
    expect(value.id.equals(id)).toBe(true);
    expect(value.n).toBe(2);
    await expect(decodeFromRuntime("{not json")).rejects.toMatchObject({ code: "internal" });
    // a large result arrives as its UTF-8 bytes and decodes the same
    const bytes = new TextEncoder().encode(EJSON.stringify({ id, s: "é" }, { relaxed: false })).buffer;
    const fromBytes = (await decodeFromRuntime(bytes)) as { id: ObjectId; s: string };
    expect(fromBytes.id.equals(id)).toBe(true);
    expect(fromBytes.s).toBe("é");
    expect(codecFor(snapshot('{"_id":{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}}'))).toBeNull(); // loaded: nothing to wait for
  });
});

describe("custom data with BSON values before the codec is loaded", () => {
  it("reads {} until the codec is there, then is decoded and the listeners fire", async () => {
    const { vi } = await import("vitest");
    vi.resetModules();
    const lazy = await import("./lazy.js");
    const { Mirror: FreshMirror } = await import("../mirror.js");
    expect(lazy.loadedFullCodec()).toBeNull();
    const updates: MirrorUpdate[] = [];
    const mirror: Mirror = new FreshMirror("k", { onUpdate: (u) => updates.push(u) });
    const data = EJSON.stringify({ _id: new ObjectId("65f0aaaaaaaaaaaaaaaaaaaa"), plan: "pro" }, { relaxed: false });
    expect(lazy.codecFor(snapshot(data))).not.toBeNull(); // what the tab session awaits before applying
    expect(mirror.seed(snapshot(data))).toBe(true); // a remembered snapshot, right after new App()
    expect(mirror.customData("a")).toEqual({});
    await lazy.loadFullCodec();
    await vi.waitFor(() => expect(updates).toHaveLength(1));
    expect(updates[0]).toMatchObject({ app: true, userIds: new Set(["a"]) });
    const decoded = mirror.customData("a") as { _id: { toHexString(): string }; plan: string };
    expect(decoded.plan).toBe("pro");
    expect(decoded._id.toHexString()).toBe("65f0aaaaaaaaaaaaaaaaaaaa");
  });
});
