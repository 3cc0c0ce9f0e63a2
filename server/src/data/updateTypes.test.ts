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

test("$rename through a value that is not a document fails, as MongoDB's does, and loses nothing", async () => {
  await s.call("insertOne", { document: { _id: 2, n: 5, z: null, x: 1 } });
  const on2 = (fields: Record<string, unknown>) =>
    s.call("updateOne", { query: { _id: 2 }, update: { $rename: fields } }).catch((e: Error) => e.message);
  expect(await on2({ x: "n.b" })).toBe("Cannot create field 'b' in element {n: 5}");
  expect(await on2({ x: "z.b" })).toBe("Cannot create field 'b' in element {z: null}");
  // MongoDB words a source path that cannot be followed as its findLongestPrefix does
  expect(await on2({ "n.b": "y" })).toBe("cannot use the part (n of n.b) to traverse the element ({n: 5})");
  expect(await rename({ "a.x": "z" })).toBe("cannot use the part (a of a.x) to traverse the element ({a: [...]})");
  expect(await s.call("findOne", { query: { _id: 2 } })).toEqual({ _id: 2, n: 5, z: null, x: 1 });
});

test("$rename of a field that is missing changes nothing; a plain move works", async () => {
  expect(await rename({ "o.q": "arr.0" })).toEqual({ matchedCount: 1, modifiedCount: 0 });
  expect(await rename({ "o.p": "q.r" })).toEqual({ matchedCount: 1, modifiedCount: 1 });
  expect(await s.call("findOne", { query: { _id: 1 } })).toEqual({ _id: 1, a: [{ x: 1 }, { x: 2 }], o: {}, arr: [1, 2], q: { r: 1 } });
});
