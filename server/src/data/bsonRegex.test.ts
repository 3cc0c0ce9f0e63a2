import { BSONRegExp, EJSON } from "bson";
import { describe, expect, test } from "vitest";
import { normalize } from "./bsonValues.js";
import { Aggregator } from "./mingoOptions.js";

const project = (expr: unknown, doc: Record<string, unknown> = {}): unknown =>
  (new Aggregator([{ $project: { _id: 0, v: expr } }]).run([doc])[0] as { v: unknown }).v;
const findAll = (input: unknown, regex: unknown, options?: unknown): unknown =>
  project({ $regexFindAll: { input, regex, ...(options === undefined ? {} : { options }) } });
const find = (input: unknown, regex: unknown, options?: unknown): unknown =>
  project({ $regexFind: { input, regex, ...(options === undefined ? {} : { options }) } });
const matches = (input: unknown, regex: unknown, options?: unknown): unknown =>
  project({ $regexMatch: { input, regex, ...(options === undefined ? {} : { options }) } });
const at = (match: string, idx: number, captures: (string | null)[] = []) => ({ match, idx, captures });
/** A BSON regex as a request carries it: through bson's deserializer, which writes its `s` flag as `g`. */
const fromRequest = (pattern: string, options: string): unknown =>
  normalize({ r: EJSON.parse(JSON.stringify({ $regularExpression: { pattern, options } })) }).r;

describe("$regexFindAll walks the whole input as MongoDB does", () => {
  test("one search from a moving start: ^ anchors once, \\b sees the character before, matches do not overlap", () => {
    expect(findAll("aaa", "^a")).toEqual([at("a", 0)]);
    expect(findAll("ab cd", "\\b\\w")).toEqual([at("a", 0), at("c", 3)]);
    expect(findAll("aaaaa aaaa", "(aa)")).toEqual([at("aa", 0, ["aa"]), at("aa", 2, ["aa"]), at("aa", 6, ["aa"]), at("aa", 8, ["aa"])]);
    expect(findAll("string1string2", "(str.*?[0-9])")).toEqual([at("string1", 0, ["string1"]), at("string2", 7, ["string2"])]);
  });

  test("idx counts code points from the input's start", () => {
    expect(find("👍 great", "g")).toEqual(at("g", 2));
    expect(find("cafétéria", "té")).toEqual(at("té", 4));
    expect(findAll("😀a😀a", "a")).toEqual([at("a", 1), at("a", 3)]);
    expect(find("मा०गो डीबि", "(गो )")).toEqual(at("गो ", 3, ["गो "]));
  });

  // Not checked against mingo's operators: an empty match never ended there (the heap grew until V8 aborted).
  test("an empty match moves on by one code point, and the search ends at the input's end", () => {
    expect(findAll("abc", "")).toEqual([at("", 0), at("", 1), at("", 2)]);
    expect(findAll("abc", "x*")).toEqual([at("", 0), at("", 1), at("", 2)]);
    expect(findAll("bbbb", "()")).toEqual([0, 1, 2, 3].map((i) => at("", i, [""])));
    expect(findAll("baaa", "a*")).toEqual([at("", 0), at("aaa", 1)]);
    expect(findAll("a👍b", "")).toEqual([at("", 0), at("", 1), at("", 2)]);
    expect(findAll("aaa aa", "(a*?)")).toHaveLength(6);
    expect(findAll("", "")).toEqual([at("", 0)]);
    expect(find("abc", "")).toEqual(at("", 0));
    expect(project({ $regexFindAll: { input: "abc", regex: "$missing" } })).toEqual([]);
  });

  // Not checked against mingo's operators for the same reason.
  test("an empty pattern over a long input stops at MongoDB's 64 MB of output (51151)", () => {
    expect(() => findAll("a".repeat(1 << 20), "")).toThrow("$regexFindAll: the size of buffer to store output exceeded the 64MB limit");
  });

  test("many captures over many matches stop at MongoDB's 64 MB of output (51151)", () => {
    const nested = "(".repeat(150) + "c" + ")".repeat(150);
    expect(() => findAll("c".repeat(50_000), nested)).toThrow("$regexFindAll: the size of buffer to store output exceeded the 64MB limit");
    expect(find("c".repeat(50_000), nested)).toEqual(at("c", 0, new Array<string>(150).fill("c")));
  });
});

describe("matches, captures and nulls", () => {
  test('an empty group captures "", one that took no part null; no match is null, [] and false', () => {
    expect(find("ac", "(a)(b)?(c)(x*)")).toEqual(at("ac", 0, ["a", null, "c", ""]));
    expect(find("abc", "z")).toBeNull();
    expect(findAll("abc", "z")).toEqual([]);
    expect(matches("abc", "z")).toBe(false);
  });

  test("a null or missing input or regex gives false, null and []", () => {
    const doc = { text: "a null undefined" };
    for (const args of [
      { input: "$text", regex: null },
      { input: null, regex: "a" },
      { input: "$missing", regex: "a" },
    ]) {
      expect(project({ $regexMatch: args }, doc)).toBe(false);
      expect(project({ $regexFind: args }, doc)).toBeNull();
      expect(project({ $regexFindAll: args }, doc)).toEqual([]);
    }
    expect(project({ $regexMatch: { input: "$text", regex: "$missing" } }, doc)).toBe(false);
    expect(project({ $regexFind: { input: "$text", regex: "$missing" } }, doc)).toBeNull();
  });
});

describe("arguments and options with MongoDB's errors", () => {
  test("arguments of the wrong shape or type", () => {
    expect(() => matches(5, "5")).toThrow("$regexMatch needs 'input' to be of type string");
    expect(() => find("a", 123)).toThrow("$regexFind needs 'regex' to be of type string or regex");
    expect(() => findAll("a", "a", 123)).toThrow("$regexFindAll needs 'options' to be of type string");
    expect(() => project({ $regexFind: "abc" })).toThrow("$regexFind expects an object of named arguments but found: string");
    expect(() => project({ $regexFind: { input: "a", regex: "a", flags: "i" } })).toThrow("$regexFind found an unknown argument: flags");
    expect(() => project({ $regexFind: { input: "a" } })).toThrow("$regexFind requires 'regex' parameter");
    expect(() => project({ $regexMatch: { regex: "a" } })).toThrow("$regexMatch requires 'input' parameter");
  });

  test("options i, m, s and x; unknown flags, flags in two places and NUL bytes fail", () => {
    const lines = "Foo line1\nFoo line2\nFoo line3";
    expect(findAll(lines, "(F o o) # a comment", "x")).toEqual([at("Foo", 0, ["Foo"]), at("Foo", 10, ["Foo"]), at("Foo", 20, ["Foo"])]);
    expect(find(lines, "F\\ o", "x")).toBeNull();
    expect(findAll(lines, "Foo.*line", "s")).toEqual([at("Foo line1\nFoo line2\nFoo line", 0)]);
    expect(findAll(lines, "^Foo line\\d$", "m")).toHaveLength(3);
    expect(find("This Is Camel Case", "camel", "i")).toEqual(at("Camel", 8));
    expect(() => find("a", "a", "ish")).toThrow("$regexFind invalid flag in regex options: h");
    expect(() => find("a", /a/i, "i")).toThrow("$regexFind: found regex option(s) specified in both 'regex' and 'option' fields");
    expect(() => find("a", /a/m, "")).toThrow("found regex option(s) specified in both");
    expect(() => find("a", "a\0b")).toThrow("$regexFind: regular expression cannot contain an embedded null byte");
    expect(() => find("a", "a", "i\0")).toThrow("$regexFind: regular expression options cannot contain an embedded null byte");
  });

  test("a regex value's own flags: a BSONRegExp's as they are, a deserialized RegExp's g as s", () => {
    expect(matches("ab", new BSONRegExp("a b # spaced", "x"))).toBe(true);
    expect(find("This Is Camel Case", new BSONRegExp("camel", "i"))).toEqual(at("Camel", 8));
    expect(matches("a\nb", fromRequest("a.b", "s"))).toBe(true);
    expect(matches("a\nb", fromRequest("a.b", ""))).toBe(false);
  });
});

describe("patterns: PCRE's meaning on JavaScript's RegExp", () => {
  test("`.` is one code point and stops at \\n only; `$` also matches before a final newline", () => {
    expect(find("😀", "^.$")).toEqual(at("😀", 0));
    expect(find("a\r\nb", "a.")).toEqual(at("a\r", 0));
    expect(matches("abc\n", "abc$")).toBe(true);
    expect(matches("abc\n\n", "abc$")).toBe(false);
    expect(findAll("a\n", "^", "m")).toEqual([at("", 0)]);
  });

  test("PCRE's literals and classes: \\-, \\@, lone braces, []…], POSIX classes, \\p{Script}, \\x{…}, (?#…), \\s, \\v", () => {
    expect(find("a-b@c", "a\\-b\\@")).toEqual(at("a-b@", 0));
    expect(find("a{b}", "a{b}")).toEqual(at("a{b}", 0));
    expect(find("a]b", "[]a]+")).toEqual(at("a]", 0));
    expect(find("12ab", "^[[:digit:]]+")).toEqual(at("12", 0));
    expect(matches("cafétéria", "^[[:alpha:]]+$")).toBe(false);
    expect(find("cafétéria", "\\p{Latin}+$")).toEqual(at("cafétéria", 0));
    expect(find("AB", "\\x{42}")).toEqual(at("B", 1));
    expect(find("ab", "a(?#comment)b")).toEqual(at("ab", 0));
    expect(matches("a\u00a0b", "a\\sb")).toBe(false);
    expect(matches("a\nb", "a\\vb")).toBe(true);
  });

  test("PCRE-only syntax fails with Invalid Regex (51111) rather than matching otherwise", () => {
    for (const pattern of ["a(?i)bc", "(?i:a)bc", "a++", "(?>a)", "(*UCP)abc", "[0-9"]) {
      expect(() => find("abc", pattern)).toThrow("Invalid Regex in $regexFind: ");
    }
    expect(() => matches("abc", "[[:alfa:]]")).toThrow("Invalid Regex in $regexMatch: unknown POSIX class name");
    expect(() => matches("a-b", "a(?s)b")).toThrow(
      "Invalid Regex in $regexMatch: inline flags are supported at the start of the pattern only",
    );
  });

  // Checked against PCRE2 10.42 (pcre2_compile with PCRE2_UTF, as MongoDB compiles).
  test("\\s, \\S, \\h, \\v and their complements inside a class are ASCII / PCRE's fixed sets", () => {
    expect(find(" \u00a0\u2003", "[\\s]+")).toEqual(at(" ", 0));
    expect(find("\u00a0\u2003 x", "[^\\s]+")).toEqual(at("\u00a0\u2003", 0));
    expect(find("\u00a0\t\n", "[^\\S]+")).toEqual(at("\t\n", 1));
    expect(find("\u00a0\u2003 x", "[\\S]+")).toEqual(at("\u00a0\u2003", 0));
    expect(find("\n\t", "[^\\S\\n]")).toEqual(at("\t", 1));
    expect(find("\t \u00a0\u3000x", "\\h+")).toEqual(at("\t \u00a0\u3000", 0));
    expect(find("\u00a0x", "[\\H]")).toEqual(at("x", 1));
    expect(find("ab\ncd", "\\V+")).toEqual(at("ab", 0));
    expect(find("\nx", "[\\V]")).toEqual(at("x", 1));
  });

  test("PCRE's anchors, escapes and literal text: \\A, \\z, \\Z, \\R, \\N, \\e, \\a, \\x4, \\o{…}, \\Q…\\E", () => {
    expect(find("a", "\\Aa\\z")).toEqual(at("a", 0));
    expect(matches("ab", "\\Ab")).toBe(false);
    expect(matches("a\n", "a\\z")).toBe(false);
    expect(find("a\n", "a\\Z")).toEqual(at("a", 0));
    expect(matches("a\nb", "a\\Z")).toBe(false);
    expect(find("\r\n\n\u2028", "\\R+")).toEqual(at("\r\n\n\u2028", 0));
    expect(find("\r\n", "\\R")).toEqual(at("\r\n", 0));
    expect(find("ab\nc", "\\N+")).toEqual(at("ab", 0));
    expect(find("\u001b\u0007", "\\e\\a")).toEqual(at("\u001b\u0007", 0));
    expect(find("\u0004", "\\x4")).toEqual(at("\u0004", 0));
    expect(find("\u0000", "\\x")).toEqual(at("\u0000", 0));
    expect(find("A", "\\o{101}")).toEqual(at("A", 0));
    expect(find("a.bb", "\\Qa.b\\E+")).toEqual(at("a.bb", 0));
    expect(matches("axb", "\\Qa.b")).toBe(false);
    expect(find("]", "[\\Q]\\E]")).toEqual(at("]", 0));
    expect(find("12ab3", "[[:^digit:]]+")).toEqual(at("ab", 2));
    expect(find(" ab\u00a0 ", "[[:^space:]]+")).toEqual(at("ab\u00a0", 1));
  });

  test("octal escapes and backreferences as PCRE2 tells them apart; \\g, \\k, (?P<n>…), (?P=n), (?'n'…)", () => {
    expect(find("a b", "\\40")).toEqual(at(" ", 1));
    expect(find("\n", "\\012")).toEqual(at("\n", 0));
    expect(find("\u0001", "\\01")).toEqual(at("\u0001", 0));
    expect(find("\t3", "\\0113")).toEqual(at("\t3", 0));
    expect(find("K", "\\113")).toEqual(at("K", 0));
    expect(find("8", "[\\8]")).toEqual(at("8", 0));
    expect(find("\u00018", "\\18")).toEqual(at("\u00018", 0));
    expect(find("a\t", "(a)\\11")).toEqual(at("a\t", 0, ["a"]));
    const groups = "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)";
    expect(find("abcdefghijkk", `${groups}\\11`)).toMatchObject({ match: "abcdefghijkk" });
    expect(find("\tabcdefghijk", `\\11${groups}`)).toMatchObject({ match: "\tabcdefghijk", idx: 0 });
    expect(find("aa", "(a)\\g{-1}")).toEqual(at("aa", 0, ["a"]));
    expect(find("aa", "(a)\\g1")).toEqual(at("aa", 0, ["a"]));
    expect(find("aa", "(?<n>a)\\k{n}")).toEqual(at("aa", 0, ["a"]));
    expect(find("aa", "(?P<n>a)(?P=n)")).toEqual(at("aa", 0, ["a"]));
    expect(find("aa", "(?'n'a)\\g{n}")).toEqual(at("aa", 0, ["a"]));
  });

  test("flags at the pattern's start set the options; a quantified lookaround is optional or once", () => {
    expect(find("a", "(?i)A")).toEqual(at("a", 0));
    expect(find("b\na", "(?im)^A")).toEqual(at("a", 2));
    expect(find("ab", "(?x) a b")).toEqual(at("ab", 0));
    expect(find("\n", "(?s).")).toEqual(at("\n", 0));
    expect(find("A\nB", "(?i)(?s)a.b")).toEqual(at("A\nB", 0));
    expect(matches("A", "(?-i)a", "i")).toBe(false);
    expect(find("A", "(?i-m)a")).toEqual(at("A", 0));
    expect(find("b", "(?=a)?b")).toEqual(at("b", 0));
    expect(find("ab", "(?=a)*ab")).toEqual(at("ab", 0));
    expect(find("a", "(?=a)+a")).toEqual(at("a", 0));
    expect(find("a", "(?=(a))?")).toEqual(at("", 0, ["a"]));
    expect(find("a", "(?=(a))??")).toEqual(at("", 0, [null]));
    expect(find("b", "(?<=a)?b")).toEqual(at("b", 0));
  });

  test("a set cannot start or end a range in a class, as in PCRE2 (MongoDB 6.1+)", () => {
    expect(() => find("-", "[\\w-.]")).toThrow("Invalid Regex in $regexFind: invalid range in character class");
    expect(() => find("-", "[a-\\d]")).toThrow("Invalid Regex in $regexFind: invalid range in character class");
    expect(() => find("-", "[[:digit:]-z]")).toThrow("Invalid Regex in $regexFind: invalid range in character class");
    expect(find("a-b", "[\\w-]+")).toEqual(at("a-b", 0));
    expect(find("1-.", "[.\\d-]+")).toEqual(at("1-.", 0));
  });

  test("MongoDB's limits on patterns: 16384 bytes, 250 nested parentheses", () => {
    const z = "c".repeat(25_000) + "d".repeat(25_000) + "e";
    expect(find(z, "c".repeat(16_384))).toEqual(at("c".repeat(16_384), 0));
    expect(() => find(z, "c".repeat(16_385))).toThrow("Invalid Regex in $regexFind: pattern string is longer than the limit");
    const deep = "(".repeat(250) + "e" + ")".repeat(250);
    expect(find(z, deep)).toEqual(at("e", 50_000, new Array<string>(250).fill("e")));
    expect(() => find(z, `(${deep})`)).toThrow("Invalid Regex in $regexFind: parentheses are too deeply nested");
  });
});
