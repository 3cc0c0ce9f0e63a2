import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertOne", { document: { _id: 1, a: [{ z: 1 }], x: 1 } });
});
afterEach(() => s.close());

/** The message of an update's error on document 1, and on no document (`updateMany` of `_id` 9); "ok" where it succeeds. */
async function refusals(update: Record<string, unknown>): Promise<unknown[]> {
  const message = (p: Promise<unknown>): Promise<unknown> =>
    p.then(
      () => "ok",
      (e: Error) => e.message,
    );
  return [
    await message(s.call("updateOne", { query: { _id: 1 }, update })),
    await message(s.call("updateMany", { query: { _id: 9 }, update })),
    await message(s.call("updateOne", { query: { _id: 9 }, update, upsert: true })),
  ];
}

test("fields that conflict are refused with MongoDB's message whether or not a document matches; nothing changes", async () => {
  for (const [update, message] of [
    [{ $set: { x: 1 }, $inc: { x: 1 } }, "Updating the path 'x' would create a conflict at 'x'"],
    [{ $set: { "q.r": 1 }, $unset: { q: 1 } }, "Updating the path 'q' would create a conflict at 'q'"],
    [{ $unset: { q: 1 }, $set: { "q.r": 1 } }, "Updating the path 'q.r' would create a conflict at 'q'"],
    // one steps into the array by $[], the other by an index
    [{ $set: { "a.$[].z": 1 }, $setOnInsert: { "a.0.z": 2 } }, "Updating the path 'a.0.z' would create a conflict at 'a'"],
    // both fields of a $rename take part
    [{ $rename: { x: "w" }, $set: { w: 1 } }, "Updating the path 'w' would create a conflict at 'w'"],
    [{ $set: { x: 2 }, $rename: { x: "w" } }, "Updating the path 'x' would create a conflict at 'x'"],
  ] as const)
    expect(await refusals(update)).toEqual([message, message, message]);
  expect(await s.call("find", {})).toEqual([{ _id: 1, a: [{ z: 1 }], x: 1 }]);
});

test("fields that step into one array the same way do not conflict", async () => {
  // (an upsert has no array to step into)
  expect(await refusals({ $set: { "a.$[].y": 1, "a.$[].w": 2 } })).toEqual([
    "ok",
    "ok",
    "The path 'a' must exist in the document in order to apply array updates.",
  ]);
  expect(await refusals({ $set: { "a.0.y": 1, "a.1.w": 2, "b.c": 1, "b.d": 2 } })).toEqual(["ok", "ok", "ok"]);
});

test("an unknown operator, or one that does not hold fields, is refused with MongoDB's message, also with many fields", async () => {
  expect(await refusals({ $foo: { a: 1 } })).toEqual(
    Array(3).fill("Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array"),
  );
  expect(await refusals({ $set: 5 })).toEqual(
    Array(3).fill("Modifiers operate on fields but we found type int instead. For example: {$mod: {<field>: ...}} not {$set: 5}"),
  );
  const many = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`f${i}`, i]));
  expect(await refusals({ $set: many, $foo: {} })).toEqual(
    Array(3).fill("Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array"),
  );
});

test("a $rename onto itself, onto its own path or onto a non-string fails with MongoDB's messages", async () => {
  expect(await refusals({ $rename: { x: "x" } })).toEqual(Array(3).fill('The source and target field for $rename must differ: x: "x"'));
  expect(await refusals({ $rename: { x: "x.y" } })).toEqual(
    Array(3).fill('The source and target field for $rename must not be on the same path: x: "x.y"'),
  );
  expect(await refusals({ $rename: { x: 1 } })).toEqual(Array(3).fill("The 'to' field for $rename must be a string: x: 1"));
});
