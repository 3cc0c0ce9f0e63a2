import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { ALICE, BOB, openRulesService, SYSTEM } from "../../test/rulesHelpers.js";

const OWNER_ONLY = {
  roles: [{ name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true, insert: true, delete: true }],
};

let s: ReturnType<typeof openRulesService>;
/** Closes the service the test opened (the shared one of a describe block is closed by that block). */
let closeOpened: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeOpened?.();
  closeOpened = undefined;
});

/** Opens the service of one test: closed after it. */
function openService(...args: Parameters<typeof openRulesService>): ReturnType<typeof openRulesService> {
  const opened = openRulesService(...args);
  closeOpened = opened.close;
  return opened;
}

async function seedOwners(): Promise<void> {
  await s.call(SYSTEM, "insertMany", {
    documents: [
      { _id: 1, owner_id: ALICE.user.id, text: "alice 1" },
      { _id: 2, owner_id: BOB.user.id, text: "bob 1" },
      { _id: 3, owner_id: ALICE.user.id, text: "alice 2" },
    ],
  });
}

describe("owner-only rules, per operation", () => {
  test("find, findOne and count see only the caller's documents", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(ALICE, "find", {})).toEqual([
      { _id: 1, owner_id: ALICE.user.id, text: "alice 1" },
      { _id: 3, owner_id: ALICE.user.id, text: "alice 2" },
    ]);
    expect(await s.call(ALICE, "findOne", { query: { _id: 2 } })).toBeNull();
    expect(await s.call(ALICE, "count", {})).toBe(2);
    expect(await s.call(BOB, "find", { project: { text: 1 } })).toEqual([{ _id: 2, text: "bob 1" }]);
    expect(await s.call(SYSTEM, "count", {})).toBe(3);
  });

  test("aggregate runs over the caller's documents only", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(ALICE, "aggregate", { pipeline: [{ $group: { _id: null, n: { $sum: 1 } } }] })).toEqual([{ _id: null, n: 2 }]);
  });

  test("insertOne and insertMany: only documents the caller's role may write", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    expect(await s.call(ALICE, "insertOne", { document: { _id: 10, owner_id: ALICE.user.id } })).toEqual({ insertedId: 10 });
    await expect(s.call(ALICE, "insertOne", { document: { _id: 11, owner_id: BOB.user.id } })).rejects.toMatchObject({
      statusCode: 403,
      message: "insert not permitted",
    });
    await expect(s.call(ALICE, "insertOne", { document: { _id: 12 } })).rejects.toMatchObject({ message: "insert not permitted" });
    await expect(
      s.call(ALICE, "insertMany", {
        documents: [
          { _id: 13, owner_id: ALICE.user.id },
          { _id: 14, owner_id: BOB.user.id },
        ],
      }),
    ).rejects.toMatchObject({ message: "insert not permitted" });
    expect(await s.call(SYSTEM, "find", {})).toEqual([{ _id: 10, owner_id: ALICE.user.id }]);
  });

  test("a duplicate _id of a document the caller cannot read is still a duplicate", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    await expect(s.call(ALICE, "insertOne", { document: { _id: 2, owner_id: ALICE.user.id } })).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: expect.stringContaining("duplicate key"),
    });
  });

  test("updateOne and updateMany change only the caller's documents, and cannot give them away", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(ALICE, "updateOne", { query: { _id: 2 }, update: { $set: { text: "hacked" } } })).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
    });
    expect(await s.call(ALICE, "updateMany", { query: {}, update: { $set: { done: true } } })).toEqual({
      matchedCount: 2,
      modifiedCount: 2,
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { owner_id: BOB.user.id } } })).rejects.toMatchObject({
      statusCode: 403,
      message: "update not permitted",
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { text: "replaced without owner" } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(SYSTEM, "find", { sort: { _id: 1 } })).toEqual([
      { _id: 1, owner_id: ALICE.user.id, text: "alice 1", done: true },
      { _id: 2, owner_id: BOB.user.id, text: "bob 1" },
      { _id: 3, owner_id: ALICE.user.id, text: "alice 2", done: true },
    ]);
  });

  test("upserts insert only documents the caller may insert", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    const mine = await s.call(ALICE, "updateOne", {
      query: { _id: 20, owner_id: ALICE.user.id },
      update: { $set: { text: "new" } },
      upsert: true,
    });
    expect(mine).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: 20 });
    await expect(
      s.call(ALICE, "updateOne", { query: { _id: 21, owner_id: BOB.user.id }, update: { $set: { text: "x" } }, upsert: true }),
    ).rejects.toMatchObject({ message: "insert not permitted" });
    expect(await s.call(SYSTEM, "count", {})).toBe(1);
  });

  test("deleteOne and deleteMany remove only the caller's documents", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(ALICE, "deleteOne", { query: { _id: 2 } })).toEqual({ deletedCount: 0 });
    expect(await s.call(ALICE, "deleteMany", {})).toEqual({ deletedCount: 2 });
    expect(await s.call(SYSTEM, "find", {})).toEqual([{ _id: 2, owner_id: BOB.user.id, text: "bob 1" }]);
  });

  test("the findOneAnd… family", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(ALICE, "findOneAndUpdate", { filter: { _id: 2 }, update: { $set: { text: "x" } } })).toBeNull();
    expect(
      await s.call(ALICE, "findOneAndUpdate", { filter: { _id: 1 }, update: { $set: { text: "y" } }, returnNewDocument: true }),
    ).toEqual({ _id: 1, owner_id: ALICE.user.id, text: "y" });
    expect(await s.call(ALICE, "findOneAndReplace", { filter: { _id: 2 }, update: { owner_id: ALICE.user.id } })).toBeNull();
    await expect(s.call(ALICE, "findOneAndReplace", { filter: { _id: 3 }, update: { owner_id: BOB.user.id } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(ALICE, "findOneAndDelete", { filter: { _id: 2 } })).toBeNull();
    expect(await s.call(ALICE, "findOneAndReplace", { filter: { _id: 3 } })).toEqual({ _id: 3, owner_id: ALICE.user.id, text: "alice 2" });
    expect(await s.call(SYSTEM, "find", { sort: { _id: 1 } })).toEqual([
      { _id: 1, owner_id: ALICE.user.id, text: "y" },
      { _id: 2, owner_id: BOB.user.id, text: "bob 1" },
    ]);
  });
});

describe("rule sets", () => {
  test("a namespace with neither rules nor default rules is refused with App Services' error", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await expect(s.call(ALICE, "find", {}, "demo.other")).rejects.toMatchObject({
      statusCode: 403,
      errorCode: "NoMatchingRuleFound",
      message: "no rule exists for namespace 'demo.other'",
    });
    await expect(s.call(ALICE, "insertOne", { document: {} }, "other.items")).rejects.toMatchObject({ errorCode: "NoMatchingRuleFound" });
    expect(() => s.watch(ALICE, {}, "demo.other")).toThrow("no rule exists for namespace 'demo.other'");
    expect(await s.call(SYSTEM, "find", {}, "demo.other")).toEqual([]);
  });

  test("default rules cover other collections; collection roles never fall back to them", async () => {
    s = openService({ "demo.items": OWNER_ONLY, default: { roles: [{ name: "all", apply_when: {}, read: true, write: true }] } });
    await seedOwners();
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, owner_id: BOB.user.id } }, "demo.open");
    expect(await s.call(ALICE, "find", {}, "demo.open")).toEqual([{ _id: 1, owner_id: BOB.user.id }]);
    expect(await s.call(ALICE, "count", {})).toBe(2);
  });

  test("roles are tried in order: the first whose apply_when holds decides", async () => {
    s = openService({
      "demo.items": {
        roles: [
          { name: "reader", apply_when: { "%%user.data.email": "alice@example.com" }, read: true, write: false },
          { name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true },
        ],
      },
    });
    await seedOwners();
    expect(await s.call(ALICE, "count", {})).toBe(3);
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { text: "z" } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(BOB, "updateOne", { query: { _id: 2 }, update: { $set: { text: "z" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
  });

  test("insert-only role: insert works, nothing can be read or changed afterwards", async () => {
    s = openService({
      "demo.items": {
        roles: [{ name: "dropbox", apply_when: {}, write: { "%%prevRoot": { "%exists": false } }, insert: true, delete: false }],
      },
    });
    expect(await s.call(ALICE, "insertOne", { document: { _id: 1, note: "hi" } })).toEqual({ insertedId: 1 });
    expect(await s.call(ALICE, "find", {})).toEqual([]);
    expect(await s.call(ALICE, "deleteMany", {})).toEqual({ deletedCount: 0 });
    expect(await s.call(SYSTEM, "count", {})).toBe(1);
  });

  test("insert and delete expressions", async () => {
    s = openService({
      "demo.items": { roles: [{ name: "r", apply_when: {}, write: true, insert: { kind: "note" }, delete: false }] },
    });
    expect(await s.call(ALICE, "insertOne", { document: { _id: 1, kind: "note" } })).toEqual({ insertedId: 1 });
    await expect(s.call(ALICE, "insertOne", { document: { _id: 2, kind: "other" } })).rejects.toMatchObject({
      message: "insert not permitted",
    });
    await expect(s.call(ALICE, "deleteOne", { query: { _id: 1 } })).rejects.toMatchObject({ message: "delete not permitted" });
  });

  test("a role without read or write permission sees nothing", async () => {
    s = openService({ "demo.items": { roles: [{ name: "none", apply_when: {} }] } });
    await seedOwners();
    expect(await s.call(ALICE, "find", {})).toEqual([]);
  });
});

describe("field-level permissions", () => {
  const FIELDS = {
    roles: [
      {
        name: "staff",
        apply_when: {},
        insert: true,
        fields: { name: { read: true, write: true }, salary: { read: false, write: false }, notes: { read: true } },
        additional_fields: { read: true, write: false },
      },
    ],
  };

  test("unreadable fields are removed from results; a query sees them (as App Services runs it before roles), a pipeline does not", async () => {
    s = openService({ "demo.items": FIELDS });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, name: "Ann", salary: 100, notes: "n", team: "a" } });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, name: "Ann", notes: "n", team: "a" }]);
    expect(await s.call(ALICE, "count", { query: { salary: 100 } })).toBe(1);
    expect(await s.call(ALICE, "count", { query: { salary: 1 } })).toBe(0);
    expect(await s.call(ALICE, "aggregate", { pipeline: [{ $match: { salary: 100 } }] })).toEqual([]);
    expect(await s.call(ALICE, "aggregate", { pipeline: [{ $project: { salary: 1 } }] })).toEqual([{ _id: 1 }]);
  });

  test("writes to fields without write permission are refused; to writable fields, allowed", async () => {
    s = openService({ "demo.items": FIELDS });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, name: "Ann", salary: 100, notes: "n", team: "a" } });
    expect(await s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { name: "Anna" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { salary: 1e6 } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { notes: "x" } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { team: "b" } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { name: "Replaced" } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(SYSTEM, "findOne", {})).toEqual({ _id: 1, name: "Anna", salary: 100, notes: "n", team: "a" });
    await expect(s.call(ALICE, "insertOne", { document: { _id: 2, name: "Bo", team: "c" } })).rejects.toMatchObject({
      message: "insert not permitted",
    });
    expect(await s.call(ALICE, "insertOne", { document: { _id: 3, name: "Cy" } })).toEqual({ insertedId: 3 });
  });

  test("embedded fields follow nested field rules; a field's own permission covers its subtree", async () => {
    s = openService({
      "demo.items": {
        roles: [
          { name: "r", apply_when: {}, fields: { profile: { fields: { nick: { read: true, write: true } } }, secret: { read: true } } },
        ],
      },
    });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, profile: { nick: "a", ssn: "123" }, secret: { x: 1 } } });
    expect(await s.call(ALICE, "findOne", {})).toEqual({ _id: 1, profile: { nick: "a" }, secret: { x: 1 } });
    expect(await s.call(ALICE, "updateOne", { query: {}, update: { $set: { "profile.nick": "b" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await expect(s.call(ALICE, "updateOne", { query: {}, update: { $set: { "profile.ssn": "0" } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
  });

  test("a document-level read or write that holds covers every field; write implies read", async () => {
    s = openService({ "demo.items": { roles: [{ name: "w", apply_when: {}, write: true, fields: { a: { read: false } } }] } });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, a: 1, b: 2 } });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, a: 1, b: 2 }]);
    await s.close();
    // a document-level false is "not every field", not a veto: the field rules decide
    s = openService({ "demo.items": { roles: [{ name: "r", apply_when: {}, read: false, fields: { a: { read: true } } }] } });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, a: 1, b: 2 } });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, a: 1 }]);
  });

  test('the App Services template "read all fields, write specific fields" (read true, write false, a field with write true)', async () => {
    s = openService({
      "demo.items": {
        roles: [
          { name: "editor", apply_when: {}, read: true, write: false, insert: false, delete: false, fields: { title: { write: true } } },
        ],
      },
    });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, title: "a", owner: "x" } });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, title: "a", owner: "x" }]);
    expect(await s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { title: "b" } } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { owner: "me" } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    await expect(s.call(ALICE, "insertOne", { document: { title: "c" } })).rejects.toMatchObject({ message: "insert not permitted" });
    expect(await s.call(SYSTEM, "find", {})).toEqual([{ _id: 1, title: "b", owner: "x" }]);
  });

  test("document_filters gate read and write", async () => {
    s = openService({
      "demo.items": {
        roles: [
          {
            name: "r",
            apply_when: {},
            document_filters: { read: { public: true }, write: { owner_id: "%%user.id" } },
            read: true,
            write: true,
          },
        ],
      },
    });
    await s.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, public: true, owner_id: BOB.user.id },
        { _id: 2, public: false, owner_id: BOB.user.id },
        { _id: 3, public: false, owner_id: ALICE.user.id },
      ],
    });
    expect(((await s.call(ALICE, "find", {})) as { _id: number }[]).map((d) => d._id)).toEqual([1, 3]);
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { x: 1 } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(ALICE, "updateOne", { query: { _id: 3 }, update: { $set: { x: 1 } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    // the write filter is decided on the stored document too: writing owner_id does not open it
    await expect(
      s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { owner_id: ALICE.user.id, x: 2 } } }),
    ).rejects.toMatchObject({ message: "update not permitted" });
    await expect(
      s.call(ALICE, "findOneAndReplace", { filter: { _id: 1 }, update: { public: true, owner_id: ALICE.user.id } }),
    ).rejects.toMatchObject({ message: "update not permitted" });
    expect(await s.call(SYSTEM, "findOne", { query: { _id: 1 } })).toEqual({ _id: 1, public: true, owner_id: BOB.user.id });
  });
});

describe("updates: the role of the stored document and of the document it becomes", () => {
  const OWNER_OR_READER = {
    roles: [
      { name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true },
      { name: "reader", apply_when: {}, read: true },
    ],
  };

  test("a reader cannot take a document over by writing the field the owner role looks at", async () => {
    s = openService({ "demo.items": OWNER_OR_READER });
    await seedOwners();
    for (const update of [{ $set: { owner_id: BOB.user.id, text: "mine" } }, { owner_id: BOB.user.id, text: "replaced" }]) {
      await expect(s.call(BOB, "updateOne", { query: { _id: 1 }, update })).rejects.toMatchObject({
        statusCode: 403,
        message: "update not permitted",
      });
    }
    await expect(
      s.call(BOB, "findOneAndUpdate", { filter: { _id: 3 }, update: { $set: { owner_id: BOB.user.id } }, returnNewDocument: true }),
    ).rejects.toMatchObject({ message: "update not permitted" });
    await expect(
      s.call(BOB, "updateMany", { query: { owner_id: ALICE.user.id }, update: { $set: { owner_id: BOB.user.id } } }),
    ).rejects.toMatchObject({ message: "update not permitted" });
    expect(await s.call(SYSTEM, "count", { query: { owner_id: ALICE.user.id } })).toBe(2);
  });

  test("the owner still updates their documents, and write expressions see the stored document as %%prevRoot", async () => {
    s = openService({
      "demo.items": {
        roles: [
          {
            name: "owner",
            apply_when: { owner_id: "%%user.id" },
            read: true,
            // the owner may change anything but the owner
            write: { "%%root.owner_id": "%%prevRoot.owner_id" },
          },
        ],
      },
    });
    await seedOwners();
    expect(await s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { text: "edited" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    await expect(s.call(ALICE, "updateOne", { query: { _id: 1 }, update: { $set: { owner_id: BOB.user.id } } })).rejects.toMatchObject({
      message: "update not permitted",
    });
    expect(await s.call(SYSTEM, "findOne", { query: { _id: 1 } })).toEqual({ _id: 1, owner_id: ALICE.user.id, text: "edited" });
  });
});

describe("query filters", () => {
  test("a filter's query narrows every operation and its projection hides fields", async () => {
    s = openService({
      "demo.items": {
        roles: [{ name: "all", apply_when: {}, read: true, write: true }],
        filters: [
          { name: "mine", apply_when: { "%%user.type": "normal" }, query: { owner_id: "%%user.id" } },
          { name: "hide", apply_when: true, query: {}, projection: { internal: 0 } },
        ],
      },
    });
    await s.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, owner_id: ALICE.user.id, internal: 1 },
        { _id: 2, owner_id: BOB.user.id, internal: 2 },
      ],
    });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, owner_id: ALICE.user.id }]);
    expect(await s.call(ALICE, "deleteMany", {})).toEqual({ deletedCount: 1 });
    expect(await s.call(SYSTEM, "find", {})).toEqual([{ _id: 2, owner_id: BOB.user.id, internal: 2 }]);
  });
});

describe("operators and stages kept for system code", () => {
  // The refusals change nothing, so the refusal tables share one service (and its query threads,
  // which start on the first call that needs one).
  let refusing: ReturnType<typeof openRulesService>;
  beforeAll(() => {
    refusing = openRulesService({ "demo.items": OWNER_ONLY });
  });
  afterAll(() => refusing.close());

  test.each([
    [{ text: { $regex: "^(a+)+$" } }, "$regex"],
    [{ text: /^(a+)+$/ }, "$regex"],
    [{ $where: "true" }, "$where"],
    [{ $expr: { $gt: ["$a", 1] } }, "$expr"],
    [{ $text: { $search: "x" } }, "$text"],
    [{ $and: [{ a: { $jsonSchema: {} } }] }, "$jsonSchema"],
    [{ loc: { $geoWithin: {} } }, "$geoWithin"],
  ])("query %j is refused for users", async (query, op) => {
    await expect(refusing.call(ALICE, "find", { query })).rejects.toMatchObject({
      statusCode: 400,
      errorCode: "MongoDBError",
      message: expect.stringContaining(op),
    });
    await expect(refusing.call(ALICE, "deleteMany", { query })).rejects.toMatchObject({ message: expect.stringContaining(op) });
  });

  test.each([
    [{ $lookup: { from: "other", localField: "a", foreignField: "b", as: "c" } }, "$lookup"],
    [{ $graphLookup: {} }, "$graphLookup"],
    [{ $unionWith: "other" }, "$unionWith"],
    [{ $facet: {} }, "$facet"],
    [{ $out: "x" }, "$out"],
    [{ $merge: "x" }, "$merge"],
    [{ $match: { a: { $regex: "x" } } }, "$regex"],
    [{ $project: { f: { $function: { body: "x", args: [], lang: "js" } } } }, "$function"],
  ])("stage %j is refused for users", async (stage, what) => {
    await expect(refusing.call(ALICE, "aggregate", { pipeline: [stage] })).rejects.toMatchObject({
      errorCode: "MongoDBError",
      message: expect.stringContaining(what),
    });
  });

  test("system callers and functions that run as system may use them", async () => {
    s = openService({ "demo.items": OWNER_ONLY });
    await seedOwners();
    expect(await s.call(SYSTEM, "count", { query: { text: { $regex: "^alice" } } })).toBe(2);
    expect(await s.call({ ...ALICE, runAsSystem: true }, "count", { query: { text: { $regex: "^alice" } } })).toBe(2);
    expect(await s.call({ ...ALICE, runAsSystem: true }, "find", { query: { _id: 2 } })).toEqual([
      { _id: 2, owner_id: BOB.user.id, text: "bob 1" },
    ]);
  });
});

describe("limits", () => {
  test("a query returns at most 50,000 documents", async () => {
    s = openService({ "demo.items": { roles: [{ name: "all", apply_when: {}, read: true }] } });
    const documents = Array.from({ length: 50_001 }, (_, i) => ({ _id: i }));
    await s.call(SYSTEM, "insertMany", { documents });
    expect(((await s.call(ALICE, "find", {})) as unknown[]).length).toBe(50_000);
    expect(((await s.call(ALICE, "aggregate", { pipeline: [{ $match: {} }] })) as unknown[]).length).toBe(50_000);
    expect(await s.call(ALICE, "count", {})).toBe(50_001);
  }, 60_000);
});
