import { ObjectId } from "bson";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { openService, SERVICE, SYSTEM } from "../../test/dataHelpers.js";
import { openAccess } from "../rules/access.js";

let s: ReturnType<typeof openService>;

beforeEach(async () => {
  s = openService();
  await s.call("insertMany", {
    documents: [
      { _id: 1, region: "north", amount: 10 },
      { _id: 2, region: "south", amount: 5 },
      { _id: 3, region: "north", amount: 7 },
    ],
  });
});
afterEach(async () => {
  await s.close();
});

const all = (collection: string): Promise<unknown> => s.call("find", { sort: { _id: 1 } }, collection);
const failure = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "ok",
    (err: Error) => err.message,
  );
const totals = [{ $group: { _id: "$region", total: { $sum: "$amount" } } }, { $sort: { _id: 1 } }];

describe("$out", () => {
  test("replaces the target collection with the results and answers []", async () => {
    await s.call("insertMany", { documents: [{ _id: "old" }, { _id: "north", total: 0 }] }, "totals");
    expect(await s.call("aggregate", { pipeline: [...totals, { $out: "totals" }] })).toEqual([]);
    expect(await all("totals")).toEqual([
      { _id: "north", total: 17 },
      { _id: "south", total: 5 },
    ]);
    expect(await s.call("count", {})).toBe(3); // the source is left as it was
    await s.call("aggregate", { pipeline: [{ $match: { amount: { $gt: 6 } } }, { $out: { db: "demo", coll: "items" } }] });
    expect(await s.call("count", {})).toBe(2); // the source itself may be the target
  });

  test("leaves the target in the results' order, also where it held the same _ids (MongoDB renames a new collection over it)", async () => {
    await s.call("insertMany", { documents: [{ _id: 3 }, { _id: 2 }, { _id: 1 }] }, "sorted");
    await s.call("aggregate", { pipeline: [{ $sort: { _id: 1 } }, { $out: "sorted" }] });
    expect(((await s.call("find", {}, "sorted")) as { _id: number }[]).map((d) => d._id)).toEqual([1, 2, 3]);
  });

  test("gives results without _id an ObjectId, and a duplicate _id fails with nothing written", async () => {
    await s.call("aggregate", { pipeline: [{ $project: { _id: 0, amount: 1 } }, { $out: "copies" }] });
    const copies = (await all("copies")) as { _id: unknown }[];
    expect(copies).toHaveLength(3);
    expect(copies.every((d) => d._id instanceof ObjectId)).toBe(true);
    const message = await failure(s.call("aggregate", { pipeline: [{ $project: { _id: "$region" } }, { $out: "copies" }] }));
    expect(message).toContain('E11000 duplicate key error collection: demo.copies index: _id_ dup key: { _id: "north" }');
    expect(await all("copies")).toHaveLength(3); // as it was
  });
});

describe("$merge", () => {
  test("by default merges the fields of a result into the document with its _id and inserts the others", async () => {
    await s.call("insertOne", { document: { _id: "north", total: 0, note: "kept" } }, "totals");
    expect(await s.call("aggregate", { pipeline: [...totals, { $merge: "totals" }] })).toEqual([]);
    expect(await all("totals")).toEqual([
      { _id: "north", total: 17, note: "kept" },
      { _id: "south", total: 5 },
    ]);
  });

  test("whenMatched replace, keepExisting and fail; whenNotMatched discard and fail", async () => {
    const seed = async (): Promise<void> => {
      await s.call("deleteMany", { query: {} }, "totals");
      await s.call("insertOne", { document: { _id: "north", total: 0, note: "old" } }, "totals");
    };
    await seed();
    await s.call("aggregate", { pipeline: [...totals, { $merge: { into: "totals", whenMatched: "replace", whenNotMatched: "discard" } }] });
    expect(await all("totals")).toEqual([{ _id: "north", total: 17 }]);
    await seed();
    await s.call("aggregate", { pipeline: [...totals, { $merge: { into: "totals", whenMatched: "keepExisting" } }] });
    expect(await all("totals")).toEqual([
      { _id: "north", total: 0, note: "old" },
      { _id: "south", total: 5 },
    ]);
    await seed();
    expect(await failure(s.call("aggregate", { pipeline: [...totals, { $merge: { into: "totals", whenMatched: "fail" } }] }))).toContain(
      "E11000 duplicate key error",
    );
    expect(await failure(s.call("aggregate", { pipeline: [...totals, { $merge: { into: "totals", whenNotMatched: "fail" } }] }))).toBe(
      "$merge could not find a matching document in the target collection for at least one document in the source collection",
    );
    expect(await all("totals")).toEqual([{ _id: "north", total: 0, note: "old" }]); // each failure wrote nothing
  });

  test("on other fields: matches by their values (numbers by value), and a result without them fails", async () => {
    await s.call("insertOne", { document: { _id: "r1", region: "north", total: 0 } }, "byRegion");
    const pipeline = [{ $group: { _id: null, region: { $first: "$region" }, total: { $sum: "$amount" } } }, { $project: { _id: 0 } }];
    await s.call("aggregate", { pipeline: [...pipeline, { $merge: { into: "byRegion", on: "region" } }] });
    expect(await all("byRegion")).toEqual([{ _id: "r1", region: "north", total: 22 }]);
    expect(
      await failure(
        s.call("aggregate", { pipeline: [{ $project: { _id: 0, amount: 1 } }, { $merge: { into: "byRegion", on: ["region"] } }] }),
      ),
    ).toBe("$merge write error: 'on' field 'region' cannot be missing, null, undefined or an array");
  });

  test("a pipeline whenMatched reads the incoming document as $$new and the let variables", async () => {
    await s.call("insertOne", { document: { _id: "north", total: 100 } }, "totals");
    await s.call("aggregate", {
      pipeline: [
        ...totals,
        {
          $merge: {
            into: "totals",
            let: { factor: 2, incoming: "$total" },
            whenMatched: [{ $set: { total: { $add: ["$total", { $multiply: ["$$incoming", "$$factor"] }] }, seen: "$$new.total" } }],
          },
        },
      ],
    });
    expect(await all("totals")).toEqual([
      { _id: "north", total: 134, seen: 17 },
      { _id: "south", total: 5 },
    ]);
  });
});

describe("$out and $merge are checked as MongoDB parses them", () => {
  test("only as the last stage of the request's own pipeline, in its database, outside transactions", async () => {
    expect(await failure(s.call("aggregate", { pipeline: [{ $out: "x" }, { $match: {} }] }))).toBe(
      "$out can only be the final stage in the pipeline",
    );
    expect(await failure(s.call("aggregate", { pipeline: [{ $lookup: { from: "o", pipeline: [{ $merge: "x" }], as: "l" } }] }))).toBe(
      "$merge is not allowed within a $lookup's sub-pipeline",
    );
    expect(await failure(s.call("aggregate", { pipeline: [{ $out: { db: "other", coll: "x" } }] }))).toBe(
      "$out to another database (other) is not supported by this server",
    );
    expect(await failure(s.call("aggregate", { pipeline: [{ $merge: { into: "x", upsert: true } }] }))).toBe(
      "BSON field '$merge.upsert' is an unknown field.",
    );
    expect(await failure(s.call("aggregate", { pipeline: [{ $merge: { into: "x", whenMatched: "merge", let: { a: 1 } } }] }))).toBe(
      "Cannot use 'let' variables with 'whenMatched: merge' mode",
    );
    const inTransaction = s.service.call(SERVICE, "aggregate", [{ database: "demo", collection: "items", pipeline: [{ $out: "x" }] }], {
      ...SYSTEM,
      transaction: "t1",
    });
    expect(await failure(inTransaction)).toBe("$out cannot be used in a transaction");
    expect(await s.call("count", {}, "x")).toBe(0);
    expect(
      await failure(s.call("aggregate", { pipeline: [{ $merge: { into: "x", whenMatched: "keepExisting", whenNotMatched: "discard" } }] })),
    ).toBe("Combination of $merge modes 'whenMatched: keepExisting' and 'whenNotMatched: discard' is not supported");
    expect(
      await failure(s.call("aggregate", { pipeline: [{ $merge: { into: "x", let: { new: "$a" }, whenMatched: [{ $set: { a: 1 } }] } }] })),
    ).toBe("'let' may not define a value for the reserved 'new' variable other than '$$ROOT'");
    expect(await failure(s.call("aggregate", { pipeline: [{ $merge: { into: "x", whenMatched: [{ $set: { a: { $foo: 1 } } }] } }] }))).toBe(
      "Unrecognized expression '$foo'",
    );
  });

  test("application users may not use them, whatever the data access policy (--allow-all-data wrote the custom user data)", async () => {
    const open = openService(":memory:", undefined, {
      access: openAccess({ serviceName: SERVICE, databaseName: "demo", collectionName: "userData" }),
    });
    const user = { user: { id: "aaaaaaaaaaaaaaaaaaaaaaaa", type: "normal" as const, data: {}, custom_data: {}, identities: [] } };
    try {
      for (const stage of [{ $out: "userData" }, { $merge: "userData" }]) {
        const call = open.service.call(SERVICE, "aggregate", [{ database: "demo", collection: "items", pipeline: [stage] }], user);
        expect(await failure(call)).toMatch(/^aggregation stage \$(out|merge) is not allowed for application users/);
      }
      expect(await open.call("count", {}, "userData")).toBe(0);
    } finally {
      await open.close();
    }
  });

  test("on a data source other than the primary, {db, coll} names the request's database", async () => {
    const call = (pipeline: unknown[]) =>
      s.service.call("mongo-db", "aggregate", [{ database: "demo", collection: "items", pipeline }], SYSTEM);
    await s.service.call("mongo-db", "insertOne", [{ database: "demo", collection: "items", document: { _id: 1 } }], SYSTEM);
    await call([{ $out: { db: "demo", coll: "copy" } }]);
    await call([{ $merge: { into: { db: "demo", coll: "copy2" } } }]);
    await call([{ $out: "copy3" }]);
    for (const coll of ["copy", "copy2", "copy3"]) {
      expect(await s.service.call("mongo-db", "count", [{ database: "demo", collection: coll }], SYSTEM)).toBe(1);
    }
  });
});
