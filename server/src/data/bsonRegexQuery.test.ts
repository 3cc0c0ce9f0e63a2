import { BSONRegExp, BSONSymbol } from "bson";
import { afterAll, describe, expect, test } from "vitest";
import { openService } from "../../test/dataHelpers.js";
import { regexQueryFilter } from "./bsonRegexQuery.js";
import { normalize } from "./bsonValues.js";
import { Query } from "./mingoOptions.js";

const s = openService();
afterAll(() => s.close());
let collections = 0;

/** The `_id`s (positions) of `docs` that `find` returns for each filter, through the service. */
async function found(docs: Record<string, unknown>[], ...filters: Record<string, unknown>[]): Promise<unknown[][]> {
  const coll = `c${collections++}`;
  await s.call("insertMany", { documents: docs.map((d, i) => ({ _id: i, ...d })) }, coll);
  const out: unknown[][] = [];
  for (const query of filters) {
    const list = (await s.call("find", { query }, coll)) as { _id: unknown }[];
    out.push(list.map((d) => d._id));
  }
  return out;
}

const failure = async (docs: Record<string, unknown>[], query: Record<string, unknown>): Promise<string> =>
  found(docs, query).then(
    () => "no error",
    (err: Error) => err.message,
  );

/** The positions of `docs` a filter matches, through {@link regexQueryFilter} and the engine (values normalised as the service does). */
function matched(docs: Record<string, unknown>[], filter: Record<string, unknown>): number[] {
  const query = new Query(regexQueryFilter(normalize(filter)));
  return docs.flatMap((d, i) => (query.test(normalize(d)) ? [i] : []));
}

const regex = (pattern: string, options = "") => ({ s: { $regex: pattern, $options: options } });

describe("$regex reads PCRE (through the service)", () => {
  const docs = ["abc", "ABC", "abc\n", "xabc", "a.b", "😀", "a\u00a0b", "é", "a\r\nb", "aaa"].map((v) => ({ s: v }));

  test("anchors, escapes and classes JavaScript reads otherwise", async () => {
    const answers = await found(
      docs,
      regex("\\Aabc"),
      regex("abc\\z"),
      regex("abc\\Z"),
      regex("^abc$"),
      regex("a\\hb"),
      regex("a\\sb"),
      regex("^[[:alpha:]]+$"),
      regex("^\\p{L}$"),
      regex("\\Qa.b\\E"),
      regex("^.$"),
      regex("a.\\nb"),
    );
    expect(answers).toEqual([[0, 2], [0, 3], [0, 2, 3], [0, 2], [6], [], [0, 1, 2, 3, 9], [7], [4], [5, 7], [8]]);
  });

  test("a BSON regex's s flag is DOTALL, in a filter and in $in, $nin and $all, on every document", async () => {
    const bs = [{ s: "a\nb" }, { s: "b" }, { s: "b" }, { s: "b" }, { s: "b" }];
    const dotAll = new BSONRegExp("a.b", "s");
    const b = new BSONRegExp("b", "s");
    const answers = await found(bs, { s: dotAll }, { s: { $in: [b] } }, { s: { $nin: [b] } }, { s: { $all: [b] } }, { s: { $not: b } });
    expect(answers).toEqual([[0], [0, 1, 2, 3, 4], [], [0, 1, 2, 3, 4], []]);
  });

  test("a stored regex matches a regex of its pattern and flags; a symbol matches as a string", async () => {
    const stored = [{ s: new BSONRegExp("abc", "i") }, { s: new BSONRegExp("abc", "") }, { s: new BSONSymbol("abc") }, { s: "abc" }];
    const answers = await found(stored, { s: /abc/i }, { s: { $regex: "abc" } }, { s: { $all: [/abc/i] } }, { s: { $in: [/abc/] } });
    expect(answers).toEqual([
      [0, 2, 3],
      [1, 2, 3],
      [0, 2, 3],
      [1, 2, 3],
    ]);
  });

  test("an array matches by an element, not by an array nested in it", async () => {
    const nested = [{ a: ["x"] }, { a: [["x"]] }, { a: [{ b: "x" }] }, { a: [{ b: ["x"] }] }, { a: [[{ b: "x" }]] }, { a: { b: [["x"]] } }];
    const answers = await found(nested, { a: /x/ }, { "a.b": /x/ }, { "a.b": { $regex: "x" } }, { a: { $not: /x/ } }, { "a.0": /x/ });
    expect(answers).toEqual([[0], [2, 3], [2, 3], [1, 2, 3, 4, 5], [0, 1]]);
  });

  test("guards behaviour that was already right: values that are not strings never match", async () => {
    const others = [{ s: 5 }, { s: null }, {}, { s: { t: "a" } }, { s: true }, { s: "a" }];
    expect(await found(others, { s: /a|5|true|null/ }, { s: { $in: [/a/, /5/] } })).toEqual([[5], [5]]);
  });

  test("errors MongoDB gives where mingo answered: $options alone, unknown flags, regexes as range or $ne arguments, $ under $in", async () => {
    const docs1 = [{ s: "b" }];
    expect(await failure(docs1, { s: { $options: "i" } })).toBe("$options needs a $regex");
    expect(await failure(docs1, regex("b", "y"))).toBe("invalid flag in regex options: y");
    expect(await failure(docs1, { s: { $gt: /a/ } })).toBe("Can't have RegEx as arg to predicate over field 's'.");
    expect(await failure(docs1, { s: { $lte: new BSONRegExp("a", "") } })).toBe("Can't have RegEx as arg to predicate over field 's'.");
    expect(await failure(docs1, { s: { $ne: /a/ } })).toBe("Can't have regex as arg to $ne.");
    expect(await failure(docs1, { s: { $in: [{ $regex: "a" }] } })).toBe("cannot nest $ under $in");
    expect(await failure(docs1, { s: { $nin: ["a", { $regex: "a" }] } })).toBe("cannot nest $ under $in");
    expect(await found(docs1, { s: { $in: [{ $ref: "c", $id: 1 }] } })).toEqual([[]]);
  });
});

describe("regexQueryFilter: regex conditions parsed as MongoDB's", () => {
  const docs = [{ s: "abc" }, { s: "ABC" }, { s: "a\nbc" }, { s: "a b c" }, { s: ["q", "Abc"] }, { s: 5 }];

  test("PCRE syntax JavaScript refuses: leading inline flags, named groups, extended mode", () => {
    expect(matched(docs, regex("(?i)^abc$"))).toEqual([0, 1, 4]);
    expect(matched(docs, regex("(?P<n>a)bc"))).toEqual([0]);
    expect(matched(docs, regex("(?s)a.bc"))).toEqual([2]);
    expect(matched(docs, regex("^a b c # spaces and a comment", "x"))).toEqual([0]);
    expect(matched(docs, regex("(?x) ^ A b c $", "i"))).toEqual([0, 1, 4]);
    expect(matched(docs, regex("a\\-b|^q$", "u"))).toEqual([4]);
    expect(matched(docs, { s: { $regex: /^a.bc/, $options: "s" } })).toEqual([2]);
  });

  test("the same compiled regex under $not, $elemMatch, $or, $all and beside other operators", () => {
    expect(matched(docs, { s: { $not: { $regex: "(?i)^a" } } })).toEqual([5]);
    expect(matched(docs, { s: { $not: /^a/ } })).toEqual([1, 4, 5]);
    expect(matched(docs, { s: { $elemMatch: { $regex: "(?i)^abc$" } } })).toEqual([4]);
    expect(matched(docs, { $or: [{ s: { $regex: "(?i)^abc" } }, { s: 5 }] })).toEqual([0, 1, 4, 5]);
    expect(matched(docs, { $and: [{ s: /c$/ }, { $nor: [{ s: { $regex: "(?i)^abc$" } }] }] })).toEqual([2, 3]);
    expect(matched(docs, { s: { $all: [{ $elemMatch: { $regex: "(?i)^A" } }] } })).toEqual([4]);
    expect(matched(docs, { s: { $regex: "^a", $options: "i", $nin: ["ABC"] } })).toEqual([0, 2, 3, 4]);
  });

  test("$regex and $options as MongoDB checks them", () => {
    const message = (filter: Record<string, unknown>): string => {
      try {
        matched(docs, filter);
        return "no error";
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message({ s: { $regex: /a/i, $options: "m" } })).toBe("options set in both $regex and $options");
    expect(message({ s: { $options: "m", $regex: new BSONRegExp("a", "i") } })).toBe("options set in both $regex and $options");
    expect(message({ s: { $regex: /a/i, $options: "" } })).toBe("options set in both $regex and $options");
    expect(message({ s: { $regex: 5 } })).toBe("$regex has to be a string");
    expect(message({ s: { $regex: "a", $options: 5 } })).toBe("$options has to be a string");
    expect(message({ s: { $not: { $options: "i" } } })).toBe("$options needs a $regex");
    expect(message(regex("a", "g"))).toBe("invalid flag in regex options: g");
    expect(message(regex("a", "x z"))).toBe("invalid flag in regex options:  ");
    expect(message(regex("a\0b"))).toBe("Regular expression cannot contain an embedded null byte");
    expect(message(regex("a["))).toBe("Regular expression is invalid: Unterminated character class");
    expect(message(regex("(?<n>a)(?<n>b)"))).toMatch(/^Regular expression is invalid: /);
    expect(message(regex(`^${"y".repeat(32767)}`))).toBe(
      "Regular expression is invalid: pattern string is longer than the limit set by the application",
    );
    expect(matched([{ s: "y".repeat(26384) }], regex(`^${"y".repeat(26383)}`))).toEqual([0]);
    expect(matched(docs, { s: { $options: "", $regex: /^abc/i } })).toEqual([0, 1, 4]);
  });

  test("copies only what it changes and leaves other filters as they are", () => {
    const plain = { a: 1, b: { $gt: 2 }, $or: [{ c: 3 }], $expr: { $eq: ["$a", 1] } };
    expect(regexQueryFilter(plain)).toBe(plain);
    const input = { a: 1, s: { $regex: "x", $options: "i" }, $or: [{ c: 3 }, { t: /y/ }] };
    const copy = JSON.stringify(input);
    const prepared = regexQueryFilter(input);
    expect(JSON.stringify(input)).toBe(copy);
    expect(Object.keys(prepared.s)).toEqual(["$regex"]);
    expect(prepared.$or[0]).toBe(input.$or[0]);
    expect(regexQueryFilter(prepared)).toEqual(prepared);
    expect(regexQueryFilter(5)).toBe(5);
  });
});

describe("filters compiled by mingo's own stages and projections are parsed as MongoDB's too", () => {
  test("$graphLookup's restrictSearchWithMatch and the $elemMatch projection read PCRE and drop $comment", async () => {
    await s.call(
      "insertMany",
      {
        documents: [
          { _id: "A", name: "abc", next: "B" },
          { _id: "B", name: "ABC", next: "C" },
          { _id: "C", name: "x" },
        ],
      },
      "chain",
    );
    const chain = (restrict: Record<string, unknown>) =>
      s.call(
        "aggregate",
        {
          pipeline: [
            { $match: { _id: "A" } },
            {
              $graphLookup: {
                from: "chain",
                startWith: "$next",
                connectFromField: "next",
                connectToField: "_id",
                as: "c",
                restrictSearchWithMatch: restrict,
              },
            },
            { $project: { ids: "$c._id" } },
          ],
        },
        "chain",
      );
    expect(await chain({ name: { $regex: "(?i)^abc$" } })).toEqual([{ _id: "A", ids: ["B"] }]);
    expect(await chain({ $comment: "x", name: "ABC" })).toEqual([{ _id: "A", ids: ["B"] }]);
    await s.call("insertOne", { document: { _id: 1, arr: [{ n: "xyz" }, { n: "ABC" }] } }, "elem");
    const projected = await s.call("find", { project: { arr: { $elemMatch: { n: { $regex: "(?i)^abc" } } } } }, "elem");
    expect(projected).toEqual([{ _id: 1, arr: [{ n: "ABC" }] }]);
  });

  test("a pattern too deep for the JavaScript engine fails as an invalid pattern when the query compiles, with a short message", async () => {
    const message = await failure([{ s: "a" }], { s: { $regex: "$".repeat(16000) } });
    expect(message).toMatch(/^Regular expression is invalid: /);
    expect(message.length).toBeLessThan(200);
  });
});
