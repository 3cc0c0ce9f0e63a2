import { BSONRegExp } from "bson";
import { expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { keepRegexOperators, malformedWrapper } from "./ejsonCheck.js";
import { decodeBaasRequest } from "./watchRoute.js";

test("malformedWrapper names the first bad wrapper at any depth, and walks deep values without recursion", () => {
  expect(malformedWrapper({ a: [{ b: { $numberLong: "1e3" } }] })).toBe('invalid $numberLong value "1e3"');
  expect(malformedWrapper({ ok: { $numberLong: "-9223372036854775808" }, when: { $date: { $numberLong: "0" } } })).toBeUndefined();
  let deep: unknown = { $numberInt: "x" };
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(malformedWrapper(deep)).toBe('invalid $numberInt value "x"');
});

test("a watch request's baas_request with a malformed wrapper is 400 InvalidParameter", () => {
  const call = {
    name: "watch",
    service: "mongodb-atlas",
    arguments: [{ database: "d", collection: "c", filter: { t: { $date: "never" } } }],
  };
  const raw = Buffer.from(JSON.stringify(call)).toString("base64");
  let err: unknown;
  try {
    decodeBaasRequest(raw);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ServerError);
  expect(err).toMatchObject({
    statusCode: 400,
    errorCode: "InvalidParameter",
    message: `invalid parameter 'baas_request': invalid $date value "never"`,
  });
});

test("a watch's baas_request may give a $date as milliseconds (bson's relaxed reading)", () => {
  const call = { name: "watch", service: "mongodb-atlas", arguments: [{ database: "d", collection: "c", filter: { t: { $date: 5 } } }] };
  const { args } = decodeBaasRequest(Buffer.from(JSON.stringify(call)).toString("base64"));
  expect(args.filter).toEqual({ t: new Date(5) });
});

test("a watch's filter keeps a $regex beside other operators, and keepRegexOperators walks deep values without recursion", () => {
  const call = {
    name: "watch",
    service: "mongodb-atlas",
    arguments: [{ database: "d", collection: "c", filter: { "fullDocument.name": { $regex: "^a", $options: "i", $ne: "ab" } } }],
  };
  const { args } = decodeBaasRequest(Buffer.from(JSON.stringify(call)).toString("base64"));
  expect(args.filter).toEqual({ "fullDocument.name": { $regex: new BSONRegExp("^a", "i"), $ne: "ab" } });
  let deep: unknown = { $regex: "x", $ne: 1 };
  const inner = deep;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  keepRegexOperators(deep);
  expect(inner).toEqual({ $regex: { $regularExpression: { pattern: "x", options: "" } }, $ne: 1 });
});
