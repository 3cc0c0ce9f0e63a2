import { Binary, Int32, Long, ObjectId } from "bson";
import { jwtVerify } from "jose";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FunctionRunner } from "../contracts.js";
import { startFunctionFiles, type FunctionFiles } from "../../test/functionFiles.js";

// The globals of functions as the App Services docs use them (source/functions/globals.txt), run
// by functions in the worker-thread runner.
const FILES: Record<string, string> = {
  "realms.js": `exports = async function (arg) {
    const c = context.services.get("mongodb-atlas").db("fn").collection("realm");
    await c.deleteMany({});
    await c.insertOne({ _id: 1, when: new Date(0), list: [1], sub: { a: 1 } });
    const doc = await c.findOne({ _id: 1 });
    let caught;
    try { await c.insertOne({ _id: 1 }); } catch (e) { caught = e; }
    return {
      date: doc.when instanceof Date, array: doc.list instanceof Array, object: doc.sub.constructor === Object,
      argObject: arg.constructor === Object, argDate: arg.at instanceof Date, error: caught instanceof Error,
      value: context.values.get("v") instanceof Array,
    };
  };`,
  "whoCalls.js": "exports = function () { return { user: context.user, system: context.runningAsSystem() }; };",
  "nested.js": "exports = function (levels) { let v = {}; for (let i = 1; i < levels; i++) v = { o: v }; return v; };",
  "requires.js": `exports = function () {
    const crypto = require("crypto");
    const failures = ["axios", "child_process", "node:vm", "path/../bson", 42].map((name) => { try { require(name); return null; } catch (e) { return e.message; } });
    return {
      hash: crypto.createHash("sha256").update("abc").digest("hex"),
      joined: require("path").join("a", "b"),
      host: new (require("node:url").URL)("https://example.com/x").host,
      qs: require("querystring").stringify({ a: 1 }),
      failures,
    };
  };`,
  "httpUse.js": `exports = async function (url) {
    const res = await context.http.post({ url, body: { a: 1 }, encodeBodyAsJSON: true, headers: { "X-Test": ["yes"] } });
    return { statusCode: res.statusCode, status: res.status, body: EJSON.parse(res.body.text()), type: res.headers["Content-Type"] };
  };`,
  "bsonTypes.js": `exports = async function (hex) {
    const c = context.services.get("mongodb-atlas").db("fn").collection("ids");
    await c.insertOne({ _id: BSON.ObjectId(hex) });
    const stored = await c.findOne({});
    return {
      int32: BSON.Int32(42),
      long: BSON.Long(600206158, 342).toString(),
      double: BSON.Double(1234.5678),
      regex: BSON.BSONRegExp("the great", "i"),
      withNew: new BSON.ObjectId(hex).toHexString(),
      isObjectId: stored._id instanceof BSON.ObjectId,
      isInt32: BSON.Int32(1) instanceof BSON.Int32,
      dec: BSON.Decimal128.fromString("1.5").toString(),
    };
  };`,
  "binary.js": `exports = function () {
    const b64 = BSON.Binary.fromBase64("VGVzdCBtZXNzYWdlIHBsZWFzZSBpZ25vcmU=");
    const hex = BSON.Binary.fromHex("54657374206d65737361676520706c656173652069676e6f7265");
    return { text: b64.text(), hex: b64.toHex(), base64: hex.toBase64(), fromHex: hex.text(), binary: b64, sub: BSON.Binary.fromBase64("AQI=", 4).sub_type };
  };`,
  "utilsUse.js": `exports = function (secret) {
    const token = utils.jwt.encode("HS256", { sub: "me", n: 1 }, secret);
    return {
      hmac: utils.crypto.hmac("what do ya want for nothing?", "Jefe", "sha256", "hex"),
      hash: utils.crypto.hash("sha256", "abc").toHex(),
      decrypted: utils.crypto.decrypt("aes", utils.crypto.encrypt("aes", "MongoDB is great!", "603082712271C525E087BD999A4E0738"), "603082712271C525E087BD999A4E0738").text(),
      token,
      decoded: utils.jwt.decode(token, secret),
    };
  };`,
};

let files: FunctionFiles;
let runner: FunctionRunner;
let mongo: FunctionFiles["mongo"];
let web: Server;

beforeAll(async () => {
  web = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, test: req.headers["x-test"], got: JSON.parse(body) as unknown }));
    });
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  files = await startFunctionFiles(FILES, { v: [1] });
  ({ runner, mongo } = files);
});

afterAll(async () => {
  await new Promise((resolve) => web.close(resolve));
  await files.close();
});

describe("BSON", () => {
  test("types are callable without new, as the docs call them, and values from the database are instances of them", async () => {
    const hex = "5e58667d902d38559c802b13";
    const out = (await runner.call("bsonTypes", [hex], {})) as Record<string, unknown>;
    expect(out).toMatchObject({
      long: Long.fromBits(600206158, 342).toString(),
      withNew: hex,
      isObjectId: true,
      isInt32: true,
      dec: "1.5",
    });
    expect(out.int32 === 42 || (out.int32 instanceof Int32 && out.int32.value === 42)).toBe(true);
    expect(Number(out.double)).toBe(1234.5678);
    expect(String(out.regex)).toBe("/the great/i");
  });

  test("Binary.fromBase64/fromHex and toHex/toBase64/text, as in the docs' examples", async () => {
    const out = (await runner.call("binary", [], {})) as Record<string, unknown>;
    expect(out).toMatchObject({
      text: "Test message please ignore",
      hex: "54657374206d65737361676520706c656173652069676e6f7265",
      base64: "VGVzdCBtZXNzYWdlIHBsZWFzZSBpZ25vcmU=",
      fromHex: "Test message please ignore",
      sub: 4,
    });
    expect(Buffer.from((out.binary as Binary).buffer).toString()).toBe("Test message please ignore");
  });
});

describe("utils", () => {
  test("utils.crypto and utils.jwt inside a function (RFC 4231 case 2, FIPS 180-2 'abc'; the token verified by jose)", async () => {
    const secret = "a-secret-of-enough-length-for-hs256";
    const out = (await runner.call("utilsUse", [secret], {})) as Record<string, unknown>;
    expect(out).toMatchObject({
      hmac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      hash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      decrypted: "MongoDB is great!",
      decoded: { sub: "me", n: 1 },
    });
    const { payload } = await jwtVerify(out.token as string, new TextEncoder().encode(secret));
    expect(payload).toMatchObject({ sub: "me", n: 1 });
  });
});

test("documents, arguments, values and errors from the server are of the function's own realm (instanceof Date, Array, Error)", async () => {
  expect(await runner.call("realms", [{ at: new Date(0) }], {})).toEqual({
    date: true,
    array: true,
    object: true,
    argObject: true,
    argDate: true,
    error: true,
    value: true,
  });
});

test("context.user of a call the server makes itself is the system user (no id, no data)", async () => {
  expect(await runner.call("whoCalls", [], {})).toEqual({
    user: { id: "", type: "system", data: {}, custom_data: {}, identities: [] },
    system: true,
  });
});

test("require: Node's built-in modules that App Services supports; npm packages and unsupported built-ins fail clearly", async () => {
  expect(await runner.call("requires", [], {})).toEqual({
    hash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    joined: "a/b",
    host: "example.com",
    qs: "a=1",
    failures: [
      "Cannot find module 'axios': the app has no functions/package.json; only Node's built-in modules can be required",
      "Cannot find module 'child_process': Atlas Functions do not support this built-in module",
      "Cannot find module 'node:vm': Atlas Functions do not support this built-in module",
      "Cannot find module 'path/../bson': functions can require a package by its name, not a path",
      "require() takes a module name",
    ],
  });
});

test("a result nested deeper than 200 levels fails the call with a 400 instead of overflowing the stack when it is written out", async () => {
  expect(JSON.stringify(await runner.call("nested", [200], {})).split("{").length - 1).toBe(200);
  await expect(runner.call("nested", [201], {})).rejects.toMatchObject({
    statusCode: 400,
    errorCode: "FunctionExecutionError",
    message: "nested: the result cannot be sent as EJSON: it is nested deeper than 200 levels",
  });
  await expect(runner.call("nested", [5000], {})).rejects.toMatchObject({ errorCode: "FunctionExecutionError" });
});

test("context.http: a function posts JSON to a server and reads its answer", async () => {
  const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/echo`;
  expect(await runner.call("httpUse", [url], {})).toEqual({
    statusCode: 201,
    status: "201 Created",
    body: { method: "POST", test: "yes", got: { a: 1 } },
    type: ["application/json"],
  });
});

test("an ObjectId made by a function is stored as an ObjectId", async () => {
  const found = await mongo.call("mongodb-atlas", "findOne", [{ database: "fn", collection: "ids", query: {} }], {});
  expect((found as { _id: unknown })._id).toBeInstanceOf(ObjectId);
});
