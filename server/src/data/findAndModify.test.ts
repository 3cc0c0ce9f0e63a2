import { ObjectId } from "bson";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ServerError } from "../contracts.js";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertMany", {
    documents: [
      { _id: 1, n: 5, t: "a" },
      { _id: 2, n: 9, t: "a" },
      { _id: 3, n: 1, t: "b" },
    ],
  });
});
afterEach(() => s.close());

describe("findOneAndUpdate", () => {
  test("a positional projection of the document found picks the element the filter matched", async () => {
    await s.call("insertOne", { document: { _id: 4, items: [{ k: 1 }, { k: 2 }] } });
    expect(
      await s.call("findOneAndUpdate", { filter: { "items.k": 2 }, update: { $set: { seen: true } }, projection: { "items.$": 1 } }),
    ).toEqual({ _id: 4, items: [{ k: 2 }] });
    expect(await s.call("findOneAndDelete", { filter: { "items.k": 1 }, projection: { "items.$": 1 } })).toEqual({
      _id: 4,
      items: [{ k: 1 }],
    });
  });

  test("returns the pre-image by default, the post-image with returnNewDocument", async () => {
    expect(await s.call("findOneAndUpdate", { filter: { _id: 1 }, update: { $inc: { n: 1 } } })).toEqual({ _id: 1, n: 5, t: "a" });
    expect(await s.call("findOneAndUpdate", { filter: { _id: 1 }, update: { $inc: { n: 1 } }, returnNewDocument: true })).toEqual({
      _id: 1,
      n: 7,
      t: "a",
    });
  });

  test("sort picks which match, projection shapes the result", async () => {
    expect(
      await s.call("findOneAndUpdate", {
        filter: { t: "a" },
        update: { $set: { top: true } },
        sort: { n: -1 },
        projection: { top: 1 },
        returnNewDocument: true,
      }),
    ).toEqual({
      _id: 2,
      top: true,
    });
    expect(await s.call("count", { query: { top: true } })).toBe(1);
  });

  test("no match: null, or the upserted document with returnNewDocument", async () => {
    expect(await s.call("findOneAndUpdate", { filter: { _id: 9 }, update: { $set: { x: 1 } } })).toBeNull();
    expect(await s.call("count", {})).toBe(3);
    expect(await s.call("findOneAndUpdate", { filter: { _id: 9 }, update: { $set: { x: 1 } }, upsert: true })).toBeNull();
    expect(
      await s.call("findOneAndUpdate", {
        filter: { name: "z" },
        update: { $set: { x: 2 } },
        upsert: true,
        returnNewDocument: true,
        projection: { _id: 0 },
      }),
    ).toEqual({
      name: "z",
      x: 2,
    });
    expect(await s.call("findOne", { query: { _id: 9 } })).toEqual({ _id: 9, x: 1 });
  });
});

describe("findOneAndReplace", () => {
  test("replaces, keeps _id, returns pre- or post-image", async () => {
    expect(await s.call("findOneAndReplace", { filter: { _id: 3 }, update: { z: 1 } })).toEqual({ _id: 3, n: 1, t: "b" });
    expect(await s.call("findOneAndReplace", { filter: { _id: 3 }, update: { z: 2 }, returnNewDocument: true })).toEqual({ _id: 3, z: 2 });
  });

  test("upsert with a replacement document", async () => {
    const doc = (await s.call("findOneAndReplace", {
      filter: { k: "new" },
      update: { k: "new", v: 1 },
      upsert: true,
      returnNewDocument: true,
    })) as Record<string, unknown>;
    expect((doc._id as ObjectId)._bsontype).toBe("ObjectId");
    expect(doc).toMatchObject({ k: "new", v: 1 });
  });

  test("update operators are refused", async () => {
    const err = await s.call("findOneAndReplace", { filter: { _id: 3 }, update: { $set: { z: 1 } } }).catch((e: unknown) => e);
    expect((err as ServerError).errorCode).toBe("MongoDBError");
  });

  test("without update it deletes (realm-web 2.0.1 sends findOneAndDelete under this name)", async () => {
    expect(await s.call("findOneAndReplace", { filter: { t: "a" }, sort: { n: 1 }, projection: { n: 1 } })).toEqual({ _id: 1, n: 5 });
    expect(await s.call("find", { project: { _id: 1 } })).toEqual([{ _id: 2 }, { _id: 3 }]);
  });
});

describe("findOneAndDelete", () => {
  test("deletes the first match in sort order and returns it", async () => {
    expect(await s.call("findOneAndDelete", { filter: { t: "a" }, sort: { n: -1 } })).toEqual({ _id: 2, n: 9, t: "a" });
    expect(await s.call("findOneAndDelete", { filter: { t: "zzz" } })).toBeNull();
    expect(await s.call("count", {})).toBe(2);
  });
});
