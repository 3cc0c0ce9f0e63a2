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
 * Patterns are PCRE in MongoDB and run here on JavaScript's RegExp with the `u` flag, translated by
 * pcrePattern.ts (which lists what is supported); what cannot be translated fails with
 * `Invalid Regex in $regexFind: <reason>` (51111) rather than matching otherwise.
 * PCRE's match limits (51156) are not replicated; a query thread's time limit bounds backtracking.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { codePointCount, nextCodePoint } from "./bsonStringsValues.js";
import { mongoError } from "./errors.js";
import { isNil } from "./expressionArgs.js";
import { invalidRegex, translatePattern } from "./pcrePattern.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** One match as MongoDB answers it. */
type RegexMatch = { match: string; idx: number; captures: (string | null)[] };

/** The longest pattern MongoDB compiles, in UTF-8 bytes. */
const MAX_PATTERN_BYTES = 16384;
/** MongoDB's cap on the approximate size of `$regexFindAll`'s output (BufferMaxSize). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** sizeof(Value) in MongoDB; a string of more than 15 bytes is stored apart with 16 more. */
const VALUE_BYTES = 16;
const MATCH_OVERHEAD_BYTES = 128; // a match document's own storage and its captures array's, roughly

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
  const translated = translatePattern(op, pattern, flags);
  let re: RegExp;
  try {
    re = new RegExp(translated.source, `${translated.flags}gu`);
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

/** The first match at or after `from`. */
function search(re: RegExp, input: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(input);
}

/** A match as MongoDB answers it, `idx` its start in code points. */
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
  return m ? matchOf(m, codePointCount(m.input, 0, m.index)) : null;
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
    idx += codePointCount(input, pos, m.index);
    pos = m.index;
    const found = matchOf(m, idx);
    size += approximateSize(found);
    if (size > MAX_OUTPUT_BYTES) throw mongoError("$regexFindAll: the size of buffer to store output exceeded the 64MB limit");
    out.push(found);
    if (m[0] !== "") {
      idx += codePointCount(input, pos, pos + m[0].length);
      pos += m[0].length;
    } else if (pos < input.length) {
      pos = nextCodePoint(input, pos);
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
