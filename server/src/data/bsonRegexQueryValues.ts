/**
 * A regular expression of a query filter as MongoDB compiles and tests it
 * (expression_leaf.cpp, `RegexMatchExpression`): PCRE in UTF mode with the flags `i`, `m`, `s`,
 * `x` and `u` (accepted, no effect), translated to a JavaScript RegExp by pcrePattern.ts (whose
 * limits apply); it matches a string or a symbol by its pattern, and a stored regular expression
 * whose pattern and flags are its own; nothing else. One compiled regex serves `{a: /x/}`,
 * `{a: {$regex, $options}}`, `$not`, `$in`, `$nin` and `$all`, and it is never stateful (no `g`
 * or `y` flag on the RegExp that runs).
 *
 * Regular expression values reach the engine as bson's deserializer makes them: a JavaScript
 * RegExp whose `g` flag stands for the BSON regex's `s` (DOTALL), which is how bson writes and
 * reads it, and whose `x` flag was dropped on the way. A BSONRegExp keeps its flags as they are.
 * @packageDocumentation
 */
import { mongoError } from "./errors.js";
import { translatePattern } from "./pcrePattern.js";

/**
 * The longest pattern compiled, in UTF-8 bytes: MongoDB's query regexes take 26,384 bytes and
 * refuse 32,767 (jstests/core/query/regex/regex_max_pattern_length.js).
 */
const MAX_PATTERN_BYTES = 32764;
/** The flags MongoDB takes (pcre_util.cpp `flagsToOptions`). */
const VALID_FLAGS = "imsux";
const MAX_CACHED = 256;

/** A regular expression value's pattern and MongoDB flags. */
export interface RegexParts {
  pattern: string;
  options: string;
}

const isBsonType = (value: unknown, type: string): boolean =>
  typeof value === "object" && value !== null && (value as { _bsontype?: unknown })._bsontype === type;

/**
 * The pattern and MongoDB flags of a regular expression value, or undefined for any other value:
 * a BSONRegExp's as they are; a JavaScript RegExp's source, with `g` read as `s` (see the module's
 * comment).
 * @param value - anything
 */
export function regexParts(value: unknown): RegexParts | undefined {
  if (value instanceof RegExp) return { pattern: value.source, options: value.flags.replace("g", "s") };
  if (!isBsonType(value, "BSONRegExp")) return undefined;
  const { pattern, options } = value as { pattern: unknown; options: unknown };
  return { pattern: String(pattern), options: String(options) };
}

/**
 * True for a regular expression value (a JavaScript RegExp or a BSONRegExp).
 * @param value - anything
 */
export const isRegexValue = (value: unknown): boolean => regexParts(value) !== undefined;

/** A pattern as a RegExp's `source` writes it (`/` escaped, `(?:)` when empty), to compare stored regexes. */
function sourceText(pattern: string): string {
  try {
    return new RegExp(pattern).source;
  } catch {
    return pattern;
  }
}

/** Flags as one comparable text: each once, in order, `g` read as `s`. */
const flagText = (options: string): string => [...new Set(options.replace("g", "s"))].sort().join("");

/** MongoDB's error for a pattern PCRE refuses (51091). */
const invalidPattern = (reason: string) => mongoError(`Regular expression is invalid: ${reason}`);

/** A compiled query regex (see the module's comment); build with {@link compileQueryRegex}. */
export class QueryRegex {
  /** The stored regex this one equals: its source text and flags. */
  readonly #stored: string;

  /**
   * @param pattern - the PCRE pattern
   * @param options - the MongoDB flags
   * @param re - the translated RegExp (no `g`, no `y`)
   */
  constructor(
    readonly pattern: string,
    readonly options: string,
    private readonly re: RegExp,
  ) {
    this.#stored = `${flagText(options)}/${sourceText(pattern)}`;
  }

  /**
   * True if a value matches: a string or symbol by the pattern, a stored regular expression
   * whose pattern and flags are this one's (flags compared as sets).
   * @param value - one value a query path reached
   */
  matches(value: unknown): boolean {
    if (typeof value === "string") return this.re.test(value);
    if (isBsonType(value, "BSONSymbol")) return this.re.test(String((value as { value: unknown }).value));
    const parts = regexParts(value);
    if (parts === undefined) return false;
    const source = value instanceof RegExp ? value.source : sourceText(parts.pattern);
    return `${flagText(parts.options)}/${source}` === this.#stored;
  }
}

const compiled = new Map<string, QueryRegex>();

/**
 * A pattern and its flags compiled as MongoDB's query regex (cached).
 * @param pattern - the PCRE pattern
 * @param options - the MongoDB flags
 * @throws ServerError 400 `MongoDBError`: `invalid flag in regex options: <c>` (51108) for a flag
 *   other than i, m, s, u, x; `Regular expression cannot contain an embedded null byte`;
 *   `Regular expression is invalid: <reason>` (51091) for a pattern PCRE refuses, one longer than
 *   MongoDB compiles, or one pcrePattern.ts cannot translate
 */
export function compileQueryRegex(pattern: string, options: string): QueryRegex {
  const key = `${options}\0${pattern}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  // in MongoDB's order: the flags (pcre_util.cpp), then the null byte, then the compilation
  for (const flag of options) if (!VALID_FLAGS.includes(flag)) throw mongoError(`invalid flag in regex options: ${flag}`);
  if (pattern.includes("\0")) throw mongoError("Regular expression cannot contain an embedded null byte");
  if (Buffer.byteLength(pattern, "utf8") > MAX_PATTERN_BYTES) {
    throw invalidPattern("pattern string is longer than the limit set by the application");
  }
  const translated = translatePattern(invalidPattern, pattern, options);
  let re: RegExp;
  try {
    re = new RegExp(translated.source, `${translated.flags}u`);
    // V8 compiles a pattern when it first runs: a translation too deep for its stack fails here, not in a query
    re.test("");
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalidPattern(message.slice(message.lastIndexOf(": ") + 2));
  }
  const regex = new QueryRegex(pattern, options, re);
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(key, regex);
  return regex;
}

/**
 * A regular expression value compiled as a query regex, or undefined for any other value.
 * @param value - anything
 * @throws ServerError 400 `MongoDBError`: {@link compileQueryRegex}'s errors
 */
export function queryRegexOf(value: unknown): QueryRegex | undefined {
  const parts = regexParts(value);
  return parts && compileQueryRegex(parts.pattern, parts.options);
}
