/**
 * `$regexMatch`, `$regexFind` and `$regexFindAll` as MongoDB 5.0–7.0 evaluates them
 * (expression.cpp, `ExpressionRegex`): one search walks the whole input with a moving start (`^`
 * anchors at the input's start only, `\b` sees the character before the start), an empty match
 * moves the start on by one code point, `idx` counts code points from the input's start, a group
 * that took no part captures null and an empty one `""`, a null or missing `input` or `regex`
 * gives false / null / [], and bad arguments fail with MongoDB's codes and messages. mingo's
 * searched substrings again, miscounted `idx`, never ended on an empty match, and compiled a
 * missing `regex` as "undefined" (a null one as "null").
 *
 * Patterns are PCRE in MongoDB and run here on JavaScript's RegExp with the `u` flag (`.` is one
 * code point), rewritten where the two read the same text differently: `.` stops at `\n` only
 * (`s`: at nothing), `$` also matches before a final newline, `^`/`$` with `m` mean after/before
 * `\n`, `\s` outside a class and POSIX classes (`[[:alpha:]]`) are ASCII, `\v` is vertical white
 * space, a backslash makes any character but a letter or digit literal, a `{`, `}` or `]` that
 * opens or closes nothing is literal, `[]…]` holds `]`, `\p{Latin}` names a script, `\x{…}` is a
 * code point, `(?#…)` is a comment, and `x` drops unescaped white space and `#` comments outside
 * classes. PCRE-only syntax — inline flags (`(?i)`), possessive quantifiers (`a++`), atomic groups,
 * `\A`, `\z`, `\Z`, `\G`, `\h`, `\K`, `\R`, `\Q…\E`, start options (`(*UCP)`) — is not supported:
 * it fails with `Invalid Regex in $regexFind: <reason>` (51111) rather than matching otherwise.
 * PCRE's match limits (51156) are not replicated; a query thread's time limit bounds backtracking.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** One match as MongoDB answers it. */
type RegexMatch = { match: string; idx: number; captures: (string | null)[] };

/** The longest pattern MongoDB compiles, in UTF-8 bytes. */
const MAX_PATTERN_BYTES = 16384;
/** PCRE's limit on nested parentheses. */
const MAX_NESTING = 250;
/** MongoDB's cap on the approximate size of `$regexFindAll`'s output (BufferMaxSize). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** sizeof(Value) in MongoDB; a string of more than 15 bytes is stored apart with 16 more. */
const VALUE_BYTES = 16;
const MATCH_OVERHEAD_BYTES = 128; // a match document's own storage and its captures array's, roughly

const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;
const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";
/** PCRE's `\v`: vertical white space, not JavaScript's vertical tab alone (the range last, so a `-` after it is literal). */
const VERTICAL_SPACE = "\\x85\\u2028\\u2029\\n-\\r";
const ANY = "[\\s\\S]";
const POSIX_CLASSES: Record<string, string> = {
  alpha: "A-Za-z",
  digit: "0-9",
  alnum: "0-9A-Za-z",
  upper: "A-Z",
  lower: "a-z",
  space: "\\t-\\r ",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "\\w",
  cntrl: "\\x00-\\x1F\\x7F",
  print: "\\x20-\\x7E",
  graph: "\\x21-\\x7E",
  ascii: "\\x00-\\x7F",
};

const invalidRegex = (op: string, reason: string) => mongoError(`Invalid Regex in ${op}: ${reason}`);

/** True when `\p{name}` compiles in JavaScript. */
function knownProperty(name: string): boolean {
  try {
    return new RegExp(`\\p{${name}}`, "u") instanceof RegExp;
  } catch {
    return false;
  }
}

/** `\p{…}`/`\P{…}`/`\pL` from `at` (after the letter): a script name alone becomes `Script=`. */
function property(pattern: string, letter: string, at: number): [string, number] {
  const braced = pattern[at] === "{";
  const end = braced ? pattern.indexOf("}", at) : at + 1;
  if (end < 0) return [`\\${letter}`, at];
  let name = braced ? pattern.slice(at + 1, end) : pattern.slice(at, end);
  if (name.startsWith("^")) [letter, name] = [letter === "p" ? "P" : "p", name.slice(1)];
  const known = [name, `Script=${name}`].find(knownProperty) ?? name;
  return [`\\${letter}{${known}}`, braced ? end + 1 : end];
}

/** The escape whose backslash is at `at - 1`, in JavaScript, and where the pattern goes on. */
function escape(pattern: string, at: number, inClass: boolean): [string, number] {
  const code = pattern.codePointAt(at);
  if (code === undefined) return ["\\", at];
  const c = String.fromCodePoint(code);
  const next = at + c.length;
  if (!/[0-9A-Za-z]/.test(c)) return [SYNTAX_CHARACTERS.includes(c) ? `\\${c}` : `\\u{${code.toString(16)}}`, next];
  if (c === "p" || c === "P") return property(pattern, c, next);
  const hexEnd = c === "x" && pattern[next] === "{" ? pattern.indexOf("}", next) : -1;
  if (hexEnd > 0) return [`\\u${pattern.slice(next, hexEnd + 1)}`, hexEnd + 1];
  if (c === "v") return [inClass ? VERTICAL_SPACE : `[${VERTICAL_SPACE}]`, next];
  if (!inClass && (c === "s" || c === "S")) return [c === "s" ? "[\\t-\\r ]" : "[^\\t-\\r ]", next];
  return [`\\${c}`, next];
}

/** The JavaScript source of a PCRE pattern (see the module's comment). */
function translate(op: string, pattern: string, multiline: boolean, dotAll: boolean, extended: boolean): string {
  const quantifier = /\{\d+(?:,\d*)?\}/y;
  let out = "";
  let depth = 0;
  let classStart = -1; // where the current class's members start; -1 outside a class
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] ?? "";
    if (c === "\\") {
      const [text, next] = escape(pattern, i + 1, classStart >= 0);
      out += text;
      i = next;
    } else if (classStart >= 0) {
      const posix = c === "[" ? /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i, i + 12)) : null;
      if (posix) {
        const set = POSIX_CLASSES[posix[2] ?? ""];
        if (set === undefined || posix[1] === "^") throw invalidRegex(op, `unsupported POSIX class ${posix[0]}`);
        out += set;
        i += posix[0].length;
        continue;
      }
      const closes = c === "]" && i !== classStart;
      out += c === "]" && !closes ? "\\]" : c; // PCRE's `[]…]` holds a `]`
      if (closes) classStart = -1;
      i++;
    } else if (extended && " \t\n\v\f\r".includes(c)) {
      i++;
    } else if ((extended && c === "#") || pattern.startsWith("(?#", i)) {
      const end = pattern.indexOf(c === "#" ? "\n" : ")", i);
      if (end < 0 && c !== "#") throw invalidRegex(op, "missing ) after (?# comment");
      i = end < 0 ? pattern.length : end + 1;
    } else if (c === "{") {
      quantifier.lastIndex = i;
      const braces = quantifier.exec(pattern)?.[0];
      out += braces ?? "\\{";
      i += braces?.length ?? 1;
    } else if (c === "[") {
      const negated = pattern[i + 1] === "^";
      out += negated ? "[^" : "[";
      classStart = i = i + (negated ? 2 : 1);
    } else {
      if (c === "(" && ++depth > MAX_NESTING) throw invalidRegex(op, "parentheses are too deeply nested");
      if (c === ")") depth = Math.max(0, depth - 1);
      if (c === ".") out += dotAll ? ANY : "[^\\n]";
      else if (c === "^") out += multiline ? `(?:^|(?<=\\n)(?=${ANY}))` : "^";
      else if (c === "$") out += multiline ? `(?=\\n|(?!${ANY}))` : `(?=\\n?(?!${ANY}))`;
      else out += c === "}" || c === "]" ? `\\${c}` : c;
      i++;
    }
  }
  return out;
}

const compiled = new Map<string, RegExp>();

/**
 * A pattern and its MongoDB flags as a global, Unicode JavaScript RegExp (cached).
 * @throws ServerError 400 `MongoDBError`: 51108 for an unknown flag, 51111 for an invalid pattern
 */
function compile(op: string, pattern: string, flags: string): RegExp {
  const key = `${flags}\0${pattern}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  for (const flag of flags) if (!"imsux".includes(flag)) throw mongoError(`${op} invalid flag in regex options: ${flag}`);
  if (Buffer.byteLength(pattern, "utf8") > MAX_PATTERN_BYTES) {
    throw invalidRegex(op, "pattern string is longer than the limit set by the application");
  }
  const source = translate(op, pattern, flags.includes("m"), flags.includes("s"), flags.includes("x"));
  let re: RegExp;
  try {
    re = new RegExp(source, flags.includes("i") ? "giu" : "gu");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalidRegex(op, message.slice(message.lastIndexOf(": ") + 2));
  }
  if (compiled.size >= 256) compiled.clear();
  compiled.set(key, re);
  return re;
}

/**
 * A regular expression value's pattern and flags: a BSONRegExp's as they are; a JavaScript
 * RegExp's with `g` read as `s`, which is how bson's deserializer (behind `normalize()`) writes a
 * BSON regex's `s` flag. (It drops `x`, which cannot be recovered here.)
 */
function regexParts(value: unknown): [string, string] | undefined {
  if (value instanceof RegExp) return [value.source, value.flags.replace("g", "s")];
  if (typeof value !== "object" || value === null || (value as { _bsontype?: unknown })._bsontype !== "BSONRegExp") return undefined;
  const { pattern, options } = value as { pattern: unknown; options: unknown };
  return [String(pattern), String(options)];
}

/** The evaluated input and compiled pattern, undefined when either is null or missing. */
function prepare(op: string, obj: unknown, expr: unknown, options: Options): { input: string; re: RegExp } | undefined {
  if (!isPlainObject(expr)) throw mongoError(`${op} expects an object of named arguments but found: ${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) {
    if (key !== "input" && key !== "regex" && key !== "options") throw mongoError(`${op} found an unknown argument: ${key}`);
  }
  if (expr.input === undefined) throw mongoError(`${op} requires 'input' parameter`);
  if (expr.regex === undefined) throw mongoError(`${op} requires 'regex' parameter`);
  const input = evalExpr(obj, expr.input, options);
  const regex = evalExpr(obj, expr.regex, options);
  const flags = expr.options === undefined ? null : evalExpr(obj, expr.options, options);
  const parts = regexParts(regex);
  if (!isNil(regex) && typeof regex !== "string" && !parts) throw mongoError(`${op} needs 'regex' to be of type string or regex`);
  if (!isNil(flags) && typeof flags !== "string") throw mongoError(`${op} needs 'options' to be of type string`);
  if (parts && parts[1] !== "" && !isNil(flags)) {
    throw mongoError(`${op}: found regex option(s) specified in both 'regex' and 'option' fields`);
  }
  const pattern = parts ? parts[0] : (regex as string | null | undefined);
  const optionText = typeof flags === "string" ? flags : (parts?.[1] ?? "");
  if (pattern?.includes("\0")) throw mongoError(`${op}: regular expression cannot contain an embedded null byte`);
  if (optionText.includes("\0")) throw mongoError(`${op}: regular expression options cannot contain an embedded null byte`);
  const re = isNil(pattern) ? undefined : compile(op, pattern, optionText);
  if (!isNil(input) && typeof input !== "string") throw mongoError(`${op} needs 'input' to be of type string`);
  return re === undefined || isNil(input) ? undefined : { input, re };
}

/** The code points of `s` from `from` to `to` (UTF-16 indexes at code point boundaries). */
function codePoints(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff || i === from || (s.charCodeAt(i - 1) & 0xfc00) !== 0xd800) n++;
  }
  return n;
}

/** The first match at or after `from`. */
function search(re: RegExp, input: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(input);
}

function matchOf(m: RegExpExecArray, idx: number): RegexMatch {
  return { match: m[0], idx, captures: m.slice(1).map((c: string | undefined) => c ?? null) };
}

/** MongoDB's approximate size of a match (Value::getApproximateSize), lengths in UTF-16 units. */
function approximateSize(m: RegexMatch): number {
  const text = (s: string | null) => VALUE_BYTES + (s !== null && s.length > 15 ? 16 + s.length : 0);
  return m.captures.reduce((size, c) => size + text(c), 3 * VALUE_BYTES + MATCH_OVERHEAD_BYTES + text(m.match));
}

const regexMatch: ExpressionOperator = (obj, expr, options) => {
  const state = prepare("$regexMatch", obj, expr, options);
  return state !== undefined && search(state.re, state.input, 0) !== null;
};

const regexFind: ExpressionOperator = (obj, expr, options) => {
  const state = prepare("$regexFind", obj, expr, options);
  const m = state && search(state.re, state.input, 0);
  return m ? matchOf(m, codePoints(m.input, 0, m.index)) : null;
};

const regexFindAll: ExpressionOperator = (obj, expr, options) => {
  const state = prepare("$regexFindAll", obj, expr, options);
  if (!state) return [];
  const { input, re } = state;
  const out: RegexMatch[] = [];
  let pos = 0;
  let idx = 0;
  let size = 0;
  // MongoDB's loop: searched once even when the input is empty, until the start reaches its end;
  // every turn moves the start on by at least one code point, so the loop ends
  do {
    const m = search(re, input, pos);
    if (!m) break;
    idx += codePoints(input, pos, m.index);
    pos = m.index;
    const found = matchOf(m, idx);
    size += approximateSize(found);
    if (size > MAX_OUTPUT_BYTES) throw mongoError("$regexFindAll: the size of buffer to store output exceeded the 64MB limit");
    out.push(found);
    if (m[0] !== "") {
      idx += codePoints(input, pos, pos + m[0].length);
      pos += m[0].length;
    } else if (pos < input.length) {
      pos += (input.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
      idx++;
    }
  } while (pos < input.length);
  return out;
};

/**
 * `$regexMatch`, `$regexFind` and `$regexFindAll` (see the module's comment), to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` with MongoDB's messages: arguments that are not an object
 *   (51103), an unknown argument (31024), a missing `input` or `regex` argument (31022, 31023), an
 *   `input` that is not a string (51104), a `regex` that is not a string or regex (51105), `options`
 *   that are not a string (51106), flags in both the regex and `options` (51107), an unknown flag
 *   (51108), a NUL byte in the pattern or the flags (51109, 51110), an invalid or unsupported
 *   pattern (51111), and `$regexFindAll` output over 64 MB (51151)
 */
export const bsonRegexExpressions: Record<string, ExpressionOperator> = {
  $regexMatch: regexMatch,
  $regexFind: regexFind,
  $regexFindAll: regexFindAll,
};
