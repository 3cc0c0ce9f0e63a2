import { afterEach, describe, expect, test, vi } from "vitest";
import { ALICE, BOB, openRulesService, SYSTEM } from "../../test/rulesHelpers.js";
import { denyAllAccess, openAccess } from "./access.js";

let s: ReturnType<typeof openRulesService>;
afterEach(() => s.close());

const CUSTOM_DATA = { serviceName: "mongodb-atlas", databaseName: "demo", collectionName: "userData" };

describe("watch under rules", () => {
  const RULES = {
    "demo.items": {
      roles: [
        {
          name: "owner",
          apply_when: { owner_id: "%%user.id" },
          fields: { owner_id: { read: true }, text: { read: true, write: true } },
          additional_fields: {},
        },
      ],
    },
  };

  test("a stream carries only events of documents its user may read, without unreadable fields", async () => {
    s = openRulesService(RULES);
    const alice = s.watch(ALICE);
    const bob = s.watch(BOB);
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, owner_id: ALICE.user.id, text: "a", secret: "s" } });
    await s.call(SYSTEM, "insertOne", { document: { _id: 2, owner_id: BOB.user.id, text: "b", secret: "t" } });
    await s.call(SYSTEM, "updateOne", { query: { _id: 1 }, update: { $set: { text: "a2", secret: "s2" }, $unset: { gone: "" } } });
    await s.call(SYSTEM, "deleteOne", { query: { _id: 2 } });
    await vi.waitFor(() => expect(alice.events).toHaveLength(2));
    await vi.waitFor(() => expect(bob.events).toHaveLength(2));
    expect(alice.events[0]).toMatchObject({ operationType: "insert", fullDocument: { _id: 1, owner_id: ALICE.user.id, text: "a" } });
    expect(alice.events[0]?.fullDocument).not.toHaveProperty("secret");
    expect(alice.events[1]).toMatchObject({
      operationType: "update",
      updateDescription: { updatedFields: { text: "a2" }, removedFields: [] },
    });
    expect(alice.events[1]?.fullDocument).toEqual({ _id: 1, owner_id: ALICE.user.id, text: "a2" });
    expect(bob.events.map((e) => e.operationType)).toEqual(["insert", "delete"]);
    expect(bob.events[1]).toMatchObject({ documentKey: { _id: 2 } });
  });

  test("a stream's filter sees only the readable event, so it cannot probe hidden fields", async () => {
    s = openRulesService(RULES);
    const probe = s.watch(ALICE, { filter: { "fullDocument.secret": "s" } });
    const plain = s.watch(ALICE, { filter: { "fullDocument.text": "a" } });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, owner_id: ALICE.user.id, text: "a", secret: "s" } });
    await vi.waitFor(() => expect(plain.events).toHaveLength(1));
    expect(probe.events).toHaveLength(0);
  });

  test("a filter with an operator kept for system code is refused", () => {
    s = openRulesService(RULES);
    expect(() => s.watch(ALICE, { filter: { "fullDocument.text": { $regex: "^(a+)+$" } } })).toThrow(/\$regex/);
  });

  test("events of a document that changes hands stop reaching its former owner", async () => {
    s = openRulesService(RULES);
    const alice = s.watch(ALICE);
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, owner_id: ALICE.user.id, text: "a" } });
    await s.call(SYSTEM, "updateOne", { query: { _id: 1 }, update: { $set: { owner_id: BOB.user.id } } });
    await s.call(SYSTEM, "insertOne", { document: { _id: 2, owner_id: ALICE.user.id, text: "c" } });
    await vi.waitFor(() => expect(alice.events).toHaveLength(2));
    expect(alice.events.map((e) => e.documentKey._id)).toEqual([1, 2]);
  });
});

describe("custom user data", () => {
  test("only default rules cover it: users may read it but not write it", async () => {
    s = openRulesService(
      { default: { roles: [{ name: "all", apply_when: {}, read: true, write: true }] } },
      { customUserData: CUSTOM_DATA },
    );
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, userId: BOB.user.id, role: "user" } }, "demo.userData");
    expect(await s.call(ALICE, "find", {}, "demo.userData")).toHaveLength(1);
    await expect(
      s.call(ALICE, "updateOne", { query: { userId: BOB.user.id }, update: { $set: { role: "admin" } } }, "demo.userData"),
    ).rejects.toMatchObject({ message: "update not permitted" });
    await expect(s.call(ALICE, "insertOne", { document: { userId: ALICE.user.id } }, "demo.userData")).rejects.toMatchObject({
      message: "insert not permitted",
    });
    await expect(
      s.call(ALICE, "updateOne", { query: { userId: ALICE.user.id }, update: { $set: { role: "admin" } }, upsert: true }, "demo.userData"),
    ).rejects.toMatchObject({ message: "insert not permitted" });
    expect(await s.call(ALICE, "insertOne", { document: { _id: 5 } }, "demo.other")).toEqual({ insertedId: 5 });
  });

  test("rules of its own decide", async () => {
    s = openRulesService(
      { "demo.userData": { roles: [{ name: "self", apply_when: { userId: "%%user.id" }, read: true, write: true }] } },
      { customUserData: CUSTOM_DATA },
    );
    expect(await s.call(ALICE, "insertOne", { document: { _id: 1, userId: ALICE.user.id } }, "demo.userData")).toEqual({ insertedId: 1 });
    await expect(s.call(ALICE, "insertOne", { document: { _id: 2, userId: BOB.user.id } }, "demo.userData")).rejects.toMatchObject({
      message: "insert not permitted",
    });
  });
});

describe("policies without an app", () => {
  test("deny by default: every namespace is refused to users, none to the system", async () => {
    s = openRulesService(denyAllAccess());
    await expect(s.call(ALICE, "find", {})).rejects.toMatchObject({
      errorCode: "NoMatchingRuleFound",
      message: "no rule exists for namespace 'demo.items'",
    });
    await expect(s.call(ALICE, "insertOne", { document: {} }, "x.y")).rejects.toMatchObject({
      message: "no rule exists for namespace 'x.y'",
    });
    expect(() => s.watch(ALICE)).toThrow("no rule exists for namespace 'demo.items'");
    expect(await s.call(SYSTEM, "insertOne", { document: { _id: 1 } })).toEqual({ insertedId: 1 });
    expect(await s.call({ ...ALICE, runAsSystem: true }, "count", {})).toBe(1);
  });

  test("allowAllData: users may do anything except write the custom user data collection", async () => {
    s = openRulesService(openAccess(CUSTOM_DATA));
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, userId: BOB.user.id } }, "demo.userData");
    expect(await s.call(ALICE, "insertOne", { document: { _id: 1, owner_id: BOB.user.id } })).toEqual({ insertedId: 1 });
    expect(await s.call(ALICE, "find", { query: { text: { $regex: "x" } } })).toEqual([]);
    expect(await s.call(ALICE, "find", {}, "demo.userData")).toEqual([{ _id: 1, userId: BOB.user.id }]);
    await expect(
      s.call(ALICE, "updateOne", { query: {}, update: { $set: { role: "admin" } }, upsert: true }, "demo.userData"),
    ).rejects.toMatchObject({ message: "update not permitted" });
    await expect(s.call(ALICE, "insertOne", { document: { userId: BOB.user.id } }, "demo.userData")).rejects.toMatchObject({
      message: "insert not permitted",
    });
    await expect(s.call(ALICE, "findOneAndDelete", { filter: {} }, "demo.userData")).rejects.toMatchObject({
      message: "delete not permitted",
    });
    expect(await s.call(SYSTEM, "count", {}, "demo.userData")).toBe(1);
  });
});

describe("%function in rules", () => {
  /**
   * Opens `demo.items` under one role that applies when the function `isOwner(owner_id, user.id)`
   * says so (bound to a runner that compares its two arguments); returns the calls it received,
   * as `name:callerId`.
   */
  function ownerByFunction(write: boolean): string[] {
    s = openRulesService({
      "demo.items": {
        roles: [
          {
            name: "fn",
            apply_when: { "%%true": { "%function": { name: "isOwner", arguments: ["%%root.owner_id", "%%user.id"] } } },
            read: true,
            ...(write ? { write: true } : {}),
          },
        ],
      },
    });
    const calls: string[] = [];
    (s.policy as import("./enforcer.js").RulesAccess).bindFunctions(async (name, args, caller) => {
      calls.push(`${name}:${caller.user.id}`);
      return args[0] === args[1];
    });
    return calls;
  }

  test("is run as the caller through the bound function runner", async () => {
    const calls = ownerByFunction(false);
    await s.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, owner_id: ALICE.user.id },
        { _id: 2, owner_id: BOB.user.id },
      ],
    });
    expect(await s.call(ALICE, "find", {})).toEqual([{ _id: 1, owner_id: ALICE.user.id }]);
    expect(calls).toEqual([`isOwner:${ALICE.user.id}`, `isOwner:${ALICE.user.id}`]);
  });

  test("its function's calls are marked as made within the call (not queued behind transactions); a watch stream's are not", async () => {
    ownerByFunction(false);
    const nested: (boolean | undefined)[] = [];
    (s.policy as import("./enforcer.js").RulesAccess).bindFunctions(async (_name, args, caller) => {
      nested.push(caller.nested);
      return args[0] === args[1];
    });
    await s.call(SYSTEM, "insertOne", { document: { _id: 1, owner_id: ALICE.user.id } });
    expect(await s.call(ALICE, "find", {})).toHaveLength(1);
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.every((n) => n === true)).toBe(true);
    nested.length = 0;
    const stream = s.watch(ALICE);
    await s.call(SYSTEM, "insertOne", { document: { _id: 2, owner_id: ALICE.user.id } });
    await vi.waitFor(() => expect(stream.events).toHaveLength(1));
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.every((n) => n === undefined)).toBe(true);
  });

  test("holds as well when the call is evaluated on a query thread (the function runs on the main thread)", async () => {
    const calls = ownerByFunction(true);
    await s.call(SYSTEM, "insertMany", {
      documents: [
        { _id: 1, owner_id: ALICE.user.id, n: 1 },
        { _id: 2, owner_id: BOB.user.id, n: 1 },
      ],
    });
    // An expression stage is not linear by construction: the whole call, rules included, runs on a thread.
    const pipeline = [{ $addFields: { twice: { $multiply: ["$n", 2] } } }];
    expect(await s.call(ALICE, "aggregate", { pipeline })).toEqual([{ _id: 1, owner_id: ALICE.user.id, n: 1, twice: 2 }]);
    expect(calls.every((c) => c === `isOwner:${ALICE.user.id}`) && calls.length >= 2).toBe(true);
    // A pipeline update computed on a thread is checked by the same rules and committed.
    const update = [{ $set: { n: { $add: ["$n", 1] } } }];
    expect(await s.call(ALICE, "updateMany", { query: {}, update })).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect(await s.call(SYSTEM, "find", { project: { n: 1 } })).toEqual([
      { _id: 1, n: 2 },
      { _id: 2, n: 1 },
    ]);
  });
});

describe("rule files", () => {
  test("an invalid rule file is refused at load, naming the file, role and field", () => {
    expect(() => openRulesService({ "demo.items": { roles: [{ name: "r", apply_when: { owner: "%%usr.id" } }] } })).toThrow(
      /demo\.items\/rules\.json, role "r", apply_when: unknown expansion %%usr\.id/,
    );
    expect(() => openRulesService({ "demo.items": { roles: [{ apply_when: {} }] } })).toThrow(/demo\.items\/rules\.json: roles\.0\.name/);
    expect(() => openRulesService({ "demo.items": { database: "other", collection: "items", roles: [] } })).toThrow(/names other\.items/);
  });
});
