import { Decimal128, Long } from "bson";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertOne", { document: { _id: 1, a: [1, 2, 3, 4] } });
});
afterEach(() => s.close());

const message = (update: Record<string, unknown>): Promise<unknown> =>
  s.call("updateMany", { query: {}, update }).then(
    () => "ok",
    (e: Error) => e.message,
  );

test("$pop takes any number equal to 1 or -1 (an Int64, a Decimal128), as MongoDB does (mingo refused them)", async () => {
  expect(await message({ $pop: { a: Long.fromNumber(1) } })).toBe("ok");
  expect(await message({ $pop: { a: Decimal128.fromString("-1") } })).toBe("ok");
  expect(await s.call("findOne", {})).toEqual({ _id: 1, a: [2, 3] });
});

test("a bad $pop value fails with MongoDB's message, also when no document matches", async () => {
  expect(await message({ $pop: { a: 5 } })).toBe("$pop expects 1 or -1, found: 5");
  expect(await message({ $pop: { a: 0.5 } })).toBe("Expected an integer: a: 0.5");
  expect(await message({ $pop: { a: "1" } })).toBe('Expected a number in: a: "1"');
  await s.call("deleteMany", {});
  expect(await message({ $pop: { a: 2 } })).toBe("$pop expects 1 or -1, found: 2");
});

test("$currentDate takes any boolean (false sets the date too), and refuses other values with MongoDB's messages", async () => {
  expect(await message({ $currentDate: { d: false } })).toBe("ok");
  expect(((await s.call("findOne", {})) as { d: unknown }).d).toBeInstanceOf(Date);
  expect(await message({ $currentDate: { d: "x" } })).toBe(
    "string is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).",
  );
  expect(await message({ $currentDate: { d: { $type: "day" } } })).toBe(
    "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}",
  );
  expect(await message({ $currentDate: { d: { $type: "date", x: 1 } } })).toBe("Unrecognized $currentDate option: x");
});
