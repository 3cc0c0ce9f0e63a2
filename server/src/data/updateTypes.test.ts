import { afterEach, beforeEach, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";

let s: ReturnType<typeof openService>;
beforeEach(async () => {
  s = openService();
  await s.call("insertOne", { document: { _id: 1, a: [{ x: 1 }, { x: 2 }], o: { p: 1 }, arr: [1, 2] } });
});
afterEach(() => s.close());

const rename = (fields: Record<string, unknown>) =>
  s.call("updateOne", { query: { _id: 1 }, update: { $rename: fields } }).catch((e: Error) => e.message);

test("$rename refuses to move a field out of or into an array element, as MongoDB does; nothing changes", async () => {
  expect(await rename({ "a.0.x": "y" })).toBe(
    "The source field cannot be an array element, 'a.0.x' in doc with _id: 1 has an array field called 'a'",
  );
  expect(await rename({ "o.p": "arr.5" })).toBe(
    "The destination field cannot be an array element, 'arr.5' in doc with _id: 1 has an array field called 'arr'",
  );
  expect(await rename({ "o.p": "a.x" })).toMatch(/^The destination field cannot be an array element, 'a.x'/);
  expect(await rename({ "a.$[].x": "y" })).toBe("The source field for $rename may not be dynamic: a.$[].x");
  expect(await s.call("findOne", { query: { _id: 1 } })).toEqual({ _id: 1, a: [{ x: 1 }, { x: 2 }], o: { p: 1 }, arr: [1, 2] });
});

test("$rename of a field that is missing (also through an array) changes nothing; a plain move works", async () => {
  expect(await rename({ "a.x": "z", "o.q": "arr.0" })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  expect(await rename({ "o.p": "q.r" })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect(await s.call("findOne", { query: { _id: 1 } })).toEqual({ _id: 1, a: [{ x: 1 }, { x: 2 }], o: {}, arr: [1, 2], q: { r: 1 } });
});
