/**
 * The string operators that take an object of named arguments and rewrite the input, as MongoDB
 * 5.0–7.0 evaluates them: `$trim`, `$ltrim` and `$rtrim` (ExpressionTrim) remove the code points
 * of `chars` (mingo split it into UTF-16 units, so an emoji's half could go) or else MongoDB's
 * whitespace; a `chars` that is null or missing makes the result null (mingo trimmed
 * whitespace). `$replaceOne` and `$replaceAll` (ExpressionReplaceBase) check every argument's
 * type before answering null, and an empty `find` matches at every position (mingo's
 * `$replaceAll` left the input as it was). Both refuse an argument that is no object, unknown
 * fields and missing ones, as MongoDB's parser does.
 * @packageDocumentation
 */
import { evalExpr } from "mingo/core";
import type { Options } from "mingo/types";
import { bsonTypeName } from "./bsonNumbers.js";
import { nextCodePoint, valueText } from "./bsonStringsValues.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";
import { isNil } from "./expressionArgs.js";

type ExpressionOperator = (obj: unknown, expr: unknown, options: Options) => unknown;

/** MongoDB's kDefaultTrimWhitespaceChars: NUL, ASCII whitespace, no-break space, U+1680, U+2000–U+200A. */
const WHITESPACE = new Set([
  "\0",
  " ",
  "\t",
  "\n",
  "\v",
  "\f",
  "\r",
  "\u00a0",
  "\u1680",
  ..."\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
]);

/**
 * The named arguments of an operator, as its parser reads them.
 * @param name - the operator
 * @param expr - its argument
 * @param known - the names it takes
 * @param messages - for an argument that is no object (before its type) and for an unknown name (before the name)
 */
function namedArguments(name: string, expr: unknown, known: readonly string[], messages: [string, string]): Record<string, unknown> {
  if (!isPlainObject(expr)) throw mongoError(`${name}${messages[0]}${bsonTypeName(expr)}`);
  for (const key of Object.keys(expr)) if (!known.includes(key)) throw mongoError(`${name}${messages[1]}${key}`);
  return expr;
}

/** The first code point at or after `from` (UTF-16 index) that is not in `chars`. */
function keptFrom(s: string, from: number, chars: Set<string>): number {
  let i = from;
  while (i < s.length) {
    const next = nextCodePoint(s, i);
    if (!chars.has(s.slice(i, next))) break;
    i = next;
  }
  return i;
}

/** The end (UTF-16 index) of `s` once the code points of `chars` are taken off its end, not before `from`. */
function keptTo(s: string, from: number, chars: Set<string>): number {
  let end = from;
  for (let i = from; i < s.length;) {
    const next = nextCodePoint(s, i);
    if (!chars.has(s.slice(i, next))) end = next;
    i = next;
  }
  return end;
}

/** `$trim`, `$ltrim` or `$rtrim`: code points of `chars` (or MongoDB's whitespace) off the left and/or right. */
function trim(name: string, left: boolean, right: boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const spec = namedArguments(
      name,
      expr,
      ["input", "chars"],
      [" only supports an object as an argument, found ", " found an unknown argument: "],
    );
    if (!Object.hasOwn(spec, "input")) throw mongoError(`${name} requires an 'input' field`);
    const input = evalExpr(obj, spec.input, options);
    if (isNil(input)) return null;
    if (typeof input !== "string") {
      throw mongoError(`${name} requires its input to be a string, got ${valueText(input)} (of type ${bsonTypeName(input)}) instead.`);
    }
    let chars = WHITESPACE;
    if (Object.hasOwn(spec, "chars")) {
      const given = evalExpr(obj, spec.chars, options);
      if (isNil(given)) return null;
      if (typeof given !== "string") {
        throw mongoError(`${name} requires 'chars' to be a string, got ${valueText(given)} (of type ${bsonTypeName(given)}) instead.`);
      }
      chars = new Set(Array.from(given));
    }
    const from = left ? keptFrom(input, 0, chars) : 0;
    return input.slice(from, right ? keptTo(input, from, chars) : input.length);
  };
}

/** `$replaceOne` (the first `find`) or `$replaceAll` (every one), with MongoDB's argument checks. */
function replace(name: string, all: boolean): ExpressionOperator {
  return (obj, expr, options) => {
    const fields = ["input", "find", "replacement"] as const;
    const spec = namedArguments(name, expr, fields, [" requires an object as an argument, found: ", " found an unknown argument: "]);
    for (const field of fields) if (!Object.hasOwn(spec, field)) throw mongoError(`${name} requires '${field}' to be specified`);
    const values = fields.map((field) => evalExpr(obj, spec[field], options));
    fields.forEach((field, k) => {
      const v = values[k];
      if (typeof v !== "string" && !isNil(v)) throw mongoError(`${name} requires that '${field}' be a string, found: ${valueText(v)}`);
    });
    const [input, find, replacement] = values;
    if (typeof input !== "string" || typeof find !== "string" || typeof replacement !== "string") return null;
    if (!all) {
      const at = input.indexOf(find);
      return at < 0 ? input : input.slice(0, at) + replacement + input.slice(at + find.length);
    }
    // an empty `find` matches before every character and at the end (MongoDB's between bytes,
    // here between code points: the `u` flag steps over a surrogate pair); a function
    // replacement takes no `$&` patterns
    if (find === "") return input.replace(/(?:)/gu, () => replacement);
    return input.replaceAll(find, () => replacement);
  };
}

/**
 * `$trim`, `$ltrim`, `$rtrim`, `$replaceOne` and `$replaceAll`, to lay over mingo's.
 * @throws ServerError 400 `MongoDBError` (as the operators run) for an argument that is no object, an unknown or missing field, an input or `chars` that is no string (`$trim`: 50696, 50694, 50695, 50699, 50700; `$replace*`: 51751, 51750, 51749–51747, 51746–51744)
 */
export const bsonStringRewriteExpressions: Record<string, ExpressionOperator> = {
  $trim: trim("$trim", true, true),
  $ltrim: trim("$ltrim", true, false),
  $rtrim: trim("$rtrim", false, true),
  $replaceOne: replace("$replaceOne", false),
  $replaceAll: replace("$replaceAll", true),
};
