import { ObjectId, UUID } from "bson";
import { describe, expect, test } from "vitest";
import type { ExpansionContext } from "./expansions.js";
import { RuleExpression, type ExpressionSource } from "./expression.js";
import { expressionProblems } from "./validate.js";

const alice = {
  id: "aaaaaaaaaaaaaaaaaaaaaaaa",
  type: "normal",
  data: { email: "alice@example.com" },
  custom_data: { manages: ["bob@example.com", "carol@example.com"], status: "ACTIVE" },
  identities: [{ id: "x", provider_type: "local-userpass" }],
};

function context(extra: Partial<ExpansionContext> = {}): ExpansionContext {
  return {
    user: alice,
    values: { admins: ["zzzzzzzzzzzzzzzzzzzzzzzz"], limit: 3 },
    environment: { tag: "production", values: { baseUrl: "https://x" } },
    request: {},
    ...extra,
  };
}

async function holds(expr: ExpressionSource, scope: Parameters<RuleExpression["evaluate"]>[1] = {}, ctx = context()): Promise<boolean> {
  return new RuleExpression(expr, "test").evaluate(ctx, scope);
}

describe("rule expressions", () => {
  test("true, false and {} are constants", async () => {
    expect(await holds(true)).toBe(true);
    expect(await holds(false)).toBe(false);
    expect(await holds({})).toBe(true);
    expect(new RuleExpression({}, "t").constant).toBe(true);
  });

  test("a plain field name reads %%root; %%user.id expands to the user's id", async () => {
    expect(await holds({ owner_id: "%%user.id" }, { root: { owner_id: alice.id } })).toBe(true);
    expect(await holds({ owner_id: "%%user.id" }, { root: { owner_id: "someone-else" } })).toBe(false);
    expect(await holds({ owner_id: "%%user.id" }, { root: {} })).toBe(false);
    expect(await holds({ "%%root.owner_id": "%%user.id" }, { root: { owner_id: alice.id } })).toBe(true);
  });

  test("an array field matches when it contains the value", async () => {
    expect(await holds({ owners: "%%user.id" }, { root: { owners: ["x", alice.id] } })).toBe(true);
    expect(await holds({ owners: "%%user.id" }, { root: { owners: ["x"] } })).toBe(false);
  });

  test("an expansion that yields an array matches any of its elements", async () => {
    expect(await holds({ email: "%%user.custom_data.manages" }, { root: { email: "bob@example.com" } })).toBe(true);
    expect(await holds({ email: "%%user.custom_data.manages" }, { root: { email: "dave@example.com" } })).toBe(false);
  });

  test("%%user.data, %%user.custom_data, %%user.type and %%user.identities", async () => {
    expect(await holds({ "%%user.data.email": { "%exists": true } })).toBe(true);
    expect(await holds({ "%%user.data.phone": { "%exists": true } })).toBe(false);
    expect(await holds({ "%%user.data.email": "alice@example.com" })).toBe(true);
    expect(await holds({ "%%root.email": "%%user.data.email" }, { root: { email: "alice@example.com" } })).toBe(true);
    expect(await holds({ "%%user.custom_data.status": "ACTIVE" })).toBe(true);
    expect(await holds({ "%%user.type": "server" })).toBe(false);
    expect(await holds({ "%%user.identities.0.provider_type": "local-userpass" })).toBe(true);
  });

  test("%%true and %%false", async () => {
    expect(await holds({ "%%true": true })).toBe(true);
    expect(await holds({ "%%true": false })).toBe(false);
    expect(await holds({ "%%false": "%%false" })).toBe(true);
  });

  test("an expression embedded as a field's value evaluates to its own truth (%%true / %%false assert it)", async () => {
    expect(await holds({ "%%true": { "%%user.id": alice.id } })).toBe(true);
    expect(await holds({ "%%true": { "%%user.id": "someone-else" } })).toBe(false);
    expect(await holds({ "%%false": { "%%user.id": "someone-else" } })).toBe(true);
    expect(await holds({ "%%false": { "%%user.id": alice.id } })).toBe(false);
    expect(await holds({ "%%true": { "%or": [{ "%%user.type": "server" }, { "%%user.custom_data.status": "ACTIVE" }] } })).toBe(true);
    expect(await holds({ "%%true": { "%or": [{ "%%user.type": "server" }, { "%%user.custom_data.status": "GONE" }] } })).toBe(false);
    // an embedded expression that reads the document
    expect(await holds({ "%%true": { "%%root.owner_id": "%%user.id" } }, { root: { owner_id: alice.id } })).toBe(true);
    expect(await holds({ "%%true": { "%%root.owner_id": "%%user.id" } }, { root: { owner_id: "x" } })).toBe(false);
    // a value without expansion keys is still a value to compare
    expect(await holds({ "%%root.meta": { kind: "a" } }, { root: { meta: { kind: "a" } } })).toBe(true);
  });

  test("%%prevRoot exists only for writes to existing documents", async () => {
    const insertOnly = { "%%prevRoot": { "%exists": false } };
    expect(await holds(insertOnly, { root: { a: 1 } })).toBe(true);
    expect(await holds(insertOnly, { root: { a: 2 }, prevRoot: { a: 1 } })).toBe(false);
    expect(await holds({ "%%prevRoot.a": 1, "%%root.a": 2 }, { root: { a: 2 }, prevRoot: { a: 1 } })).toBe(true);
  });

  test("%%this and %%prev in field rules", async () => {
    expect(await holds({ "%%this": { $gt: "%%prev" } }, { this: 5, prev: 4 })).toBe(true);
    expect(await holds({ "%%this": { $gt: "%%prev" } }, { this: 3, prev: 4 })).toBe(false);
  });

  test("%%values and %%environment", async () => {
    expect(await holds({ "%%user.id": { $in: "%%values.admins" } })).toBe(false);
    expect(await holds({ "%%user.id": { $in: "%%values.admins" } }, {}, context({ values: { admins: [alice.id] } }))).toBe(true);
    expect(await holds({ "%%environment.tag": "production", "%%environment.values.baseUrl": { "%exists": true } })).toBe(true);
    expect(await holds({ "%%environment.tag": "development" })).toBe(false);
  });

  test("several fields are an AND; %or, %and, %nor and %not combine expressions", async () => {
    expect(await holds({ a: 1, b: 2 }, { root: { a: 1, b: 2 } })).toBe(true);
    expect(await holds({ a: 1, b: 2 }, { root: { a: 1, b: 3 } })).toBe(false);
    expect(await holds({ "%or": [{ a: 1 }, { b: 2 }] }, { root: { a: 0, b: 2 } })).toBe(true);
    expect(await holds({ "%or": [{ a: 1 }, false] }, { root: { a: 0 } })).toBe(false);
    expect(await holds({ "%and": [{ a: 1 }, true] }, { root: { a: 1 } })).toBe(true);
    expect(await holds({ "%nor": [{ a: 1 }] }, { root: { a: 2 } })).toBe(true);
    expect(await holds({ "%not": { a: 1 } }, { root: { a: 1 } })).toBe(false);
    expect(await holds({ n: { "%and": [{ $gt: 0 }, { $lte: 42 }] } }, { root: { n: 42 } })).toBe(true);
    expect(await holds({ n: { "%and": [{ $gt: 0 }, { $lte: 42 }] } }, { root: { n: 43 } })).toBe(false);
    expect(await holds({ n: { "%or": [{ $lt: 0 }, { $gt: 10 }] } }, { root: { n: 5 } })).toBe(false);
  });

  test("comparison operators, $nin and the % spelling of operators", async () => {
    expect(await holds({ score: { $gte: "%%values.limit" } }, { root: { score: 3 } })).toBe(true);
    expect(await holds({ score: { "%gt": "%%values.limit" } }, { root: { score: 3 } })).toBe(false);
    expect(await holds({ tag: { $nin: ["a", "b"] } }, { root: { tag: "c" } })).toBe(true);
    expect(await holds({ tag: { $ne: "c" } }, { root: { tag: "c" } })).toBe(false);
  });

  test("%stringToOid and %oidToString convert ids; an id that cannot be converted never matches", async () => {
    const id = new ObjectId();
    expect(await holds({ _id: { "%stringToOid": "%%user.id" } }, { root: { _id: new ObjectId(alice.id) } })).toBe(true);
    expect(await holds({ owner: { "%oidToString": "%%root._id" } }, { root: { _id: id, owner: id.toHexString() } })).toBe(true);
    expect(await holds({ _id: { "%stringToOid": "%%root.ref" } }, { root: { _id: id, ref: "not-an-id" } })).toBe(false);
    // a 12-byte string is the id's bytes
    const fromBytes = new ObjectId(Buffer.from("twelve bytes"));
    expect(await holds({ _id: { "%stringToOid": "%%root.ref" } }, { root: { _id: fromBytes, ref: "twelve bytes" } })).toBe(true);
    const uuid = new UUID();
    expect(await holds({ u: { "%stringToUuid": "%%root.s" } }, { root: { u: uuid, s: uuid.toHexString(true) } })).toBe(true);
  });

  test("%function calls a function with expanded arguments and compares its result", async () => {
    const calls: unknown[][] = [];
    const ctx = context({
      callFunction: async (name, args) => {
        calls.push([name, ...args]);
        return args[0] === alice.id;
      },
    });
    expect(
      await holds({ "%%true": { "%function": { name: "isAllowed", arguments: ["%%user.id", "%%root.n"] } } }, { root: { n: 7 } }, ctx),
    ).toBe(true);
    expect(calls).toEqual([["isAllowed", alice.id, 7]]);
    const deny = context({ callFunction: async () => false });
    expect(await holds({ "%%true": { "%function": { name: "isAllowed", arguments: [] } } }, {}, deny)).toBe(false);
  });

  test("an expression whose values read the document is evaluated per document", async () => {
    const expr = new RuleExpression({ a: "%%root.b" }, "t");
    const ctx = context();
    expect(await expr.evaluate(ctx, { root: { a: 1, b: 1 } })).toBe(true);
    expect(await expr.evaluate(ctx, { root: { a: 1, b: 2 } })).toBe(false);
  });
});

describe("expression checks at load time", () => {
  test("unknown expansions and operators are reported", () => {
    expect(expressionProblems({ owner: "%%usr.id" }, { document: true })).toEqual(["unknown expansion %%usr.id"]);
    expect(expressionProblems({ a: { $where: "1" } }, { document: true })).toEqual(["unknown operator $where"]);
    expect(expressionProblems({ "%%user.id": { "%function": { arguments: [] } } }, { document: true })).toEqual([
      "%function needs {name, arguments}",
    ]);
    expect(expressionProblems({ owner_id: "%%user.id", "%%root.a": { $in: "%%values.x" } }, { document: true })).toEqual([]);
  });

  test("document expansions are refused where there is no document", () => {
    expect(expressionProblems({ "%%root.a": 1 }, { document: false })[0]).toMatch(/refers to a document/);
    expect(expressionProblems({ owner: 1 }, { document: false })[0]).toMatch(/refers to a document/);
    expect(expressionProblems({ "%%args.0": 1 }, { document: false })[0]).toMatch(/%%args/);
    expect(expressionProblems({ "%%args.0": 1 }, { document: false, args: true })).toEqual([]);
  });
});
