import { afterEach, describe, expect, test } from "vitest";
import { ALICE, BOB, openRulesService, SYSTEM } from "../../test/rulesHelpers.js";

let s: ReturnType<typeof openRulesService> | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

function open(...args: Parameters<typeof openRulesService>): ReturnType<typeof openRulesService> {
  s = openRulesService(...args);
  return s;
}

describe("App Services' order: filters, then the query on the stored documents, then a role per returned document", () => {
  const STAFF = {
    roles: [
      {
        name: "staff",
        apply_when: {},
        fields: { name: { read: true, write: true }, salary: { read: false, write: false } },
        additional_fields: { read: true, write: false },
      },
    ],
  };

  test("a query, sort or projection on an unreadable field: it matches and orders, and is never shown", async () => {
    const svc = open({ "demo.items": STAFF });
    await svc.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, name: "Ann", salary: 100 },
        { _id: 2, name: "Bo", salary: 50 },
        { _id: 3, name: "Cy", salary: 75 },
      ],
    });
    expect(await svc.call(ALICE, "find", { query: { salary: 100 } })).toEqual([{ _id: 1, name: "Ann" }]);
    expect(await svc.call(ALICE, "count", { query: { salary: { $gt: 60 } } })).toBe(2);
    expect(await svc.call(ALICE, "find", { sort: { salary: 1 }, limit: 2 })).toEqual([
      { _id: 2, name: "Bo" },
      { _id: 3, name: "Cy" },
    ]);
    expect(await svc.call(ALICE, "find", { project: { salary: 1 } })).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    expect(await svc.call(ALICE, "findOne", { query: { salary: 50 }, project: { _id: 0, name: 1, salary: 1 } })).toEqual({ name: "Bo" });
    expect(await svc.call(ALICE, "updateOne", { query: { salary: 50 }, update: { $set: { name: "Bea" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(
      await svc.call(ALICE, "findOneAndUpdate", {
        filter: { salary: 75 },
        update: { $set: { name: "Cyd" } },
        projection: { name: 1, salary: 1 },
        returnNewDocument: true,
      }),
    ).toEqual({ _id: 3, name: "Cyd" });
    expect(await svc.call(SYSTEM, "find", { sort: { _id: 1 } })).toEqual([
      { _id: 1, name: "Ann", salary: 100 },
      { _id: 2, name: "Bea", salary: 50 },
      { _id: 3, name: "Cyd", salary: 75 },
    ]);
  });

  test("a positional projection picks its element on the stored document and shows only what the user may read", async () => {
    const svc = open({ "demo.items": STAFF });
    await svc.call(SYSTEM, "insertOne", { document: { _id: 1, name: "Ann", salary: 50, tags: ["a", "b"] } });
    const query = { salary: 50, tags: "b" };
    expect(await svc.call(ALICE, "find", { query, project: { "tags.$": 1 } })).toEqual([{ _id: 1, tags: ["b"] }]);
    expect(await svc.call(ALICE, "findOne", { query, project: { "tags.$": 1, salary: 1, name: 1 } })).toEqual({
      _id: 1,
      name: "Ann",
      tags: ["b"],
    });
  });

  test("a bad projection fails as a bad projection (400), before the write is checked", async () => {
    const svc = open({ "demo.items": STAFF });
    await svc.call(SYSTEM, "insertOne", { document: { _id: 1, name: "Ann", salary: 50 } });
    await expect(
      svc.call(ALICE, "findOneAndUpdate", { filter: {}, update: { $set: { salary: 1 } }, projection: { name: 1, salary: 0 } }),
    ).rejects.toMatchObject({ statusCode: 400, errorCode: "MongoDBError" });
    await expect(svc.call(ALICE, "findOneAndUpdate", { filter: {}, update: { $set: { salary: 1 } } })).rejects.toMatchObject({
      statusCode: 403,
      message: "update not permitted",
    });
  });

  test("a document the user may not read is never matched: a query on it finds nothing, and an update of it changes nothing", async () => {
    const svc = open({
      "demo.items": { roles: [{ name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true }] },
    });
    await svc.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, owner_id: BOB.user.id, n: 1 },
        { _id: 2, owner_id: ALICE.user.id, n: 1 },
      ],
    });
    expect(await svc.call(ALICE, "findOne", { query: { n: 1 } })).toEqual({ _id: 2, owner_id: ALICE.user.id, n: 1 });
    expect(await svc.call(ALICE, "updateOne", { query: { n: 1 }, update: { $inc: { n: 1 } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(await svc.call(SYSTEM, "find", { project: { n: 1 } })).toEqual([
      { _id: 1, n: 1 },
      { _id: 2, n: 2 },
    ]);
  });

  test("the document an update returns is shown under the role of what it became", async () => {
    const svc = open({
      "demo.items": {
        roles: [
          { name: "open", apply_when: { status: "open" }, read: true, write: true },
          { name: "closed", apply_when: {}, fields: { status: { read: true, write: true } } },
        ],
      },
    });
    await svc.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, status: "open", title: "a" },
        { _id: 2, status: "open", title: "b" },
      ],
    });
    const close = { $set: { status: "closed" } };
    expect(await svc.call(ALICE, "findOneAndUpdate", { filter: { _id: 1 }, update: close, returnNewDocument: true })).toEqual({
      _id: 1,
      status: "closed",
    });
    expect(await svc.call(ALICE, "findOneAndUpdate", { filter: { _id: 2 }, update: close })).toEqual({
      _id: 2,
      status: "open",
      title: "b",
    });
  });

  test("the document an update returns is judged with %%prevRoot = the document before the update", async () => {
    const svc = open({
      "demo.items": {
        roles: [
          {
            name: "r",
            apply_when: {},
            fields: { status: { read: true, write: true }, note: { read: { "%%prevRoot.status": "open" } } },
          },
        ],
      },
    });
    await svc.call(SYSTEM, "insertOne", { document: { _id: 1, status: "open", note: "n" } });
    const update = { $set: { status: "closed" } };
    expect(await svc.call(ALICE, "findOneAndUpdate", { filter: {}, update, returnNewDocument: true })).toEqual({
      _id: 1,
      status: "closed",
      note: "n",
    });
    expect(await svc.call(ALICE, "findOne", {})).toEqual({ _id: 1, status: "closed" });
  });
});

describe("filters", () => {
  test("a projection without _id (App Services' AnonymizeVotes example) hides it from results and stops no write", async () => {
    const svc = open({
      "demo.votes": {
        roles: [{ name: "all", apply_when: {}, read: true, write: true, delete: true }],
        filters: [{ name: "AnonymizeVotes", apply_when: true, query: { shareVoteAnonymous: true }, project: { _id: 0, age: 1, vote: 1 } }],
      },
    });
    const votes = { database: "demo", collection: "votes" };
    await svc.call(SYSTEM, "insertMany", {
      ...votes,
      documents: [
        { _id: 1, name: "a", age: 30, vote: "yes", shareVoteAnonymous: true },
        { _id: 2, name: "b", age: 40, vote: "no", shareVoteAnonymous: false },
      ],
    });
    expect(await svc.call(ALICE, "find", { ...votes })).toEqual([{ age: 30, vote: "yes" }]);
    expect(await svc.call(ALICE, "find", { ...votes, query: { name: "a" } })).toEqual([{ age: 30, vote: "yes" }]);
    expect(await svc.call(ALICE, "updateOne", { ...votes, query: { age: 30 }, update: { $set: { vote: "no" } } })).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect(
      await svc.call(ALICE, "findOneAndUpdate", { ...votes, filter: {}, update: { $set: { vote: "maybe" } }, returnNewDocument: true }),
    ).toEqual({ age: 30, vote: "maybe" });
    expect(await svc.call(ALICE, "deleteMany", { ...votes })).toEqual({ deletedCount: 1 });
    expect(await svc.call(SYSTEM, "find", { ...votes, project: { _id: 1 } })).toEqual([{ _id: 2 }]);
  });

  test("a filter's nested exclusion hides the field from results and leaves the stored document whole", async () => {
    const svc = open({
      "demo.items": {
        roles: [{ name: "all", apply_when: {}, read: true, write: true }],
        filters: [{ name: "hide", apply_when: true, query: {}, projection: { "o.x": 0 } }],
      },
    });
    const stored = { _id: 1, o: { x: 1, y: 2 } };
    await svc.call(SYSTEM, "insertOne", { document: stored });
    expect(await svc.call(ALICE, "find", {})).toEqual([{ _id: 1, o: { y: 2 } }]);
    expect(await svc.call(ALICE, "find", {})).toEqual([{ _id: 1, o: { y: 2 } }]);
    expect(await svc.call(SYSTEM, "findOne", {})).toEqual(stored);
  });

  test("an upsert that matches nothing inserts the filters' equality fields too, as their queries are merged into its own", async () => {
    const svc = open({
      "demo.items": {
        roles: [{ name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true, insert: true }],
        filters: [{ name: "mine", apply_when: true, query: { owner_id: "%%user.id" } }],
      },
    });
    const upsert = { query: { text: "new" }, update: { $set: { done: false } }, upsert: true };
    const first = (await svc.call(ALICE, "updateOne", upsert)) as { upsertedId?: unknown };
    expect(first).toMatchObject({ matchedCount: 0, modifiedCount: 0 });
    expect(await svc.call(ALICE, "updateOne", upsert)).toEqual({ matchedCount: 1, modifiedCount: 0 });
    // Alice's document is filtered out of Bob's view: his upsert inserts his own
    expect(await svc.call(BOB, "updateOne", upsert)).toMatchObject({ matchedCount: 0 });
    const made = await svc.call(ALICE, "findOneAndUpdate", {
      filter: { text: "other" },
      update: { $set: { n: 1 } },
      upsert: true,
      returnNewDocument: true,
      projection: { _id: 0 },
    });
    expect(made).toEqual({ text: "other", owner_id: ALICE.user.id, n: 1 });
    expect(await svc.call(SYSTEM, "find", { sort: { text: 1, owner_id: 1 }, project: { _id: 0 } })).toEqual([
      { text: "new", owner_id: ALICE.user.id, done: false },
      { text: "new", owner_id: BOB.user.id, done: false },
      { text: "other", owner_id: ALICE.user.id, n: 1 },
    ]);
    expect(first.upsertedId).toBeDefined();
  });

  test("an upsert whose own query sets a filter's field to another value fails as MongoDB does, and inserts nothing", async () => {
    const svc = open({
      "demo.items": {
        roles: [{ name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true, insert: true }],
        filters: [{ name: "mine", apply_when: true, query: { owner_id: "%%user.id" } }],
      },
    });
    const theirs = { query: { owner_id: BOB.user.id, text: "x" }, update: { $set: { n: 1 } }, upsert: true };
    await expect(svc.call(ALICE, "updateOne", theirs)).rejects.toMatchObject({ statusCode: 400, errorCode: "MongoDBError" });
    const mine = { query: { owner_id: ALICE.user.id, text: "x" }, update: { $set: { n: 1 } }, upsert: true };
    expect(await svc.call(ALICE, "updateOne", mine)).toMatchObject({ matchedCount: 0 });
    expect(await svc.call(SYSTEM, "find", { project: { _id: 0 } })).toEqual([{ owner_id: ALICE.user.id, text: "x", n: 1 }]);
  });
});
