/**
 * A PCRE pattern as the source of a JavaScript RegExp with the `u` flag (`.` is one code point),
 * rewritten where the two read the same text differently: `.` stops at `\n` only (`s`: at
 * nothing), `$` and `\Z` also match before a final newline, `^`/`$` with `m` mean after/before
 * `\n`, `\s` and POSIX classes (`[[:alpha:]]`, `[[:^digit:]]`) are ASCII in and out of classes,
 * `\h`/`\v` are horizontal/vertical white space, `\R` a newline sequence, `\N` no `\n`, `\A`/`\z`
 * the input's start/end, `\e`/`\a` ESC/BEL, `\Q…\E` literal text, `\x4`/`\x{…}`/`\o{…}`/`\012`
 * characters (a number after `\` is a backreference when under 10 or not past the groups before
 * it, else octal), `\g1`/`\g{-1}`/`\k{n}`/`(?P=n)` backreferences, `(?P<n>…)`/`(?'n'…)` named
 * groups, a backslash makes any other character but a letter or digit literal, a `{`, `}` or `]`
 * that opens or closes nothing is literal, `[]…]` holds `]`, `\p{Latin}` names a script, `(?#…)` is
 * a comment, `x` drops unescaped white space and `#` comments outside classes, a quantified
 * lookaround is optional (`?`, `*`) or once, and flags at the pattern's very start (`(?i)`,
 * `(?im)`, `(?-i)`) set the RegExp's flags. Inline flags elsewhere, possessive quantifiers,
 * atomic groups, `\G`, `\K`, recursion and start options (`(*UCP)`) are not supported: they fail
 * with `Invalid Regex in $regexFind: <reason>` (51111; in a query filter, bsonRegexQuery.ts:
 * `Regular expression is invalid: <reason>`, 51091) rather than matching otherwise.
 * Not replicated: with `i`, JavaScript's case folding also lets `\w`, `\b` and POSIX classes take
 * ſ (U+017F) and K (U+212A), and `\p{Lu}` take lower case letters (Node 20 has no `(?-i:…)`).
 * @packageDocumentation
 */
import { mongoError } from "./errors.js";

/** Code point ranges, sorted. */
type Ranges = [number, number][];

/** PCRE's limit on nested parentheses. */
const MAX_NESTING = 250;
const SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";
const ANY = "[\\s\\S]";
/** Ranges written as hexadecimal code points and ranges: `"9-d 20"`. */
const ranges = (spec: string): Ranges =>
  spec.split(" ").map((r) => {
    const [a = "0", b = a] = r.split("-");
    return [parseInt(a, 16), parseInt(b, 16)];
  });
const SPACE = ranges("9-d 20");
const HORIZONTAL = ranges("9 20 a0 1680 180e 2000-200a 202f 205f 3000");
const VERTICAL = ranges("a-d 85 2028-2029");
const POSIX_CLASSES: Record<string, Ranges> = {
  alpha: ranges("41-5a 61-7a"),
  digit: ranges("30-39"),
  alnum: ranges("30-39 41-5a 61-7a"),
  upper: ranges("41-5a"),
  lower: ranges("61-7a"),
  space: SPACE,
  blank: ranges("9 20"),
  punct: ranges("21-2f 3a-40 5b-60 7b-7e"),
  xdigit: ranges("30-39 41-46 61-66"),
  word: ranges("30-39 41-5a 5f 61-7a"),
  cntrl: ranges("0-1f 7f"),
  print: ranges("20-7e"),
  graph: ranges("21-7e"),
  ascii: ranges("0-7f"),
};
/** The white space escapes that PCRE reads as ASCII or as fixed sets, by letter (upper case: the complement). */
const SPACE_ESCAPES: Record<string, Ranges> = { s: SPACE, h: HORIZONTAL, v: VERTICAL };

/** One code point as an escape that means itself in and out of a class. */
const literal = (code: number): string => `\\u{${code.toString(16)}}`;
/** Ranges as the members of a class. */
const members = (ranges: Ranges): string => ranges.map(([a, b]) => (a === b ? literal(a) : `${literal(a)}-${literal(b)}`)).join("");

/** The code points that are not in `ranges`. */
function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

/**
 * MongoDB's error for a pattern it cannot compile.
 * @param op - the operator (`$regexFind`)
 * @param reason - why, in PCRE's words where they are known
 * @returns ServerError 400 `MongoDBError` 51111
 */
export const invalidRegex = (op: string, reason: string) => mongoError(`Invalid Regex in ${op}: ${reason}`);

/** The error a translation throws for a pattern it cannot take, given the reason. */
export type PatternFailure = (reason: string) => Error;

/** True when `\p{name}` compiles in JavaScript. */
function knownProperty(name: string): boolean {
  try {
    return new RegExp(`\\p{${name}}`, "u") instanceof RegExp;
  } catch {
    return false;
  }
}

/** The state of one translation. */
type Translation = { fail: PatternFailure; pattern: string; groups: number };

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

/** A backreference (`\g…`, `\k…`) from `at` (after the letter): a number, `{-n}` relative, or a name. */
function reference(t: Translation, letter: string, at: number): [string, number] {
  const m = /^(?:\{(-?\d+|\w+)\}|<(\w+)>|'(\w+)'|(-?\d+))/.exec(t.pattern.slice(at, at + 40));
  if (!m || (letter === "k" && m[4] !== undefined)) throw t.fail(`\\${letter} is not followed by a valid reference`);
  const ref = m[1] ?? m[2] ?? m[3] ?? m[4] ?? "";
  const n = /^-?\d+$/.test(ref) ? Number(ref) : undefined;
  const text = n === undefined ? `\\k<${ref}>` : `(?:\\${n < 0 ? t.groups + 1 + n : n})`;
  if (n !== undefined && (n === 0 || t.groups + 1 + n <= 0)) throw t.fail("reference to non-existent subpattern");
  return [text, at + m[0].length];
}

/** `\` and digits from `at`: a backreference or octal character as PCRE2 tells them apart. */
function numbered(t: Translation, at: number, inClass: boolean): [string, number] {
  const digits = /^\d+/.exec(t.pattern.slice(at))?.[0] ?? "";
  const n = Number(digits);
  if (digits[0] === "0") {
    const octal = /^0[0-7]{0,2}/.exec(digits)?.[0] ?? "0";
    return [literal(parseInt(octal, 8)), at + octal.length];
  }
  if (inClass && (digits[0] === "8" || digits[0] === "9")) return [digits[0], at + 1];
  if (!inClass && (n < 10 || digits[0] === "8" || digits[0] === "9" || n <= t.groups)) return [`(?:\\${digits})`, at + digits.length];
  const octal = /^[0-7]{1,3}/.exec(digits)?.[0] ?? "";
  return [literal(parseInt(octal, 8)), at + octal.length];
}

/** The escape whose backslash is at `at - 1`, in JavaScript, and where the pattern goes on. */
function escape(t: Translation, at: number, inClass: boolean): [string, number] {
  const { pattern } = t;
  const code = pattern.codePointAt(at);
  if (code === undefined) throw t.fail("\\ at end of pattern");
  const c = String.fromCodePoint(code);
  const next = at + c.length;
  if (!/[0-9A-Za-z]/.test(c)) return [SYNTAX_CHARACTERS.includes(c) ? `\\${c}` : literal(code), next];
  if (/[0-9]/.test(c)) return numbered(t, at, inClass);
  if (c === "p" || c === "P") return property(pattern, c, next);
  const spaces = SPACE_ESCAPES[c.toLowerCase()];
  if (spaces) {
    const set = c === c.toLowerCase() ? spaces : complement(spaces);
    return [inClass ? members(set) : `[${members(set)}]`, next];
  }
  if (c === "Q") {
    const end = pattern.indexOf("\\E", next);
    const text = pattern.slice(next, end < 0 ? pattern.length : end);
    return [Array.from(text, (ch) => literal(ch.codePointAt(0) ?? 0)).join(""), end < 0 ? pattern.length : end + 2];
  }
  if (c === "E") return ["", next];
  if (c === "e" || c === "a") return [literal(c === "e" ? 0x1b : 7), next];
  if (c === "x" || c === "o") {
    const braced = pattern[next] === "{";
    const digits = braced
      ? pattern.slice(next + 1, pattern.indexOf("}", next))
      : c === "x"
        ? (/^[0-9A-Fa-f]{0,2}/.exec(pattern.slice(next))?.[0] ?? "")
        : "";
    const value = digits === "" ? (c === "x" && !braced ? 0 : NaN) : parseInt(digits, c === "x" ? 16 : 8);
    if (!(value <= 0x10ffff) || (braced && !(c === "x" ? /^[0-9A-Fa-f]+$/ : /^[0-7]+$/).test(digits))) {
      throw t.fail(`\\${c} is not followed by a valid character code`);
    }
    return [literal(value), next + (braced ? digits.length + 2 : digits.length)];
  }
  if ((c === "g" || c === "k") && !inClass) return reference(t, c, next);
  if (!inClass) {
    const anchor: Record<string, string> = { A: `(?<!${ANY})`, z: `(?!${ANY})`, Z: `(?=\\n?(?!${ANY}))`, N: "[^\\n]" };
    if (anchor[c] !== undefined) return [anchor[c], next];
    if (c === "R") return ["(?:\\r\\n|[\\n\\v\\f\\r\\x85\\u2028\\u2029])", next];
  }
  return [`\\${c}`, next];
}

/** Flags at the pattern's start (`(?i)`, `(?im)`, `(?-s)`, repeated) applied to `flags`, and where the pattern goes on. */
function leadingFlags(pattern: string, flags: string): [string, number] {
  const set = new Set(flags);
  const re = /\(\?([imsx]*)(?:-([imsx]*))?\)/y;
  let end = 0;
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    for (const f of m[1] ?? "") set.add(f);
    for (const f of m[2] ?? "") set.delete(f);
    end = re.lastIndex;
  }
  return [[...set].join(""), end];
}

/**
 * The JavaScript source and flags of a PCRE pattern (see the module's comment).
 * @param op - the operator, for errors (51111), or the error to throw for a reason (query filters: 51091)
 * @param pattern - the PCRE pattern
 * @param options - MongoDB's flags (`imsx`)
 * @returns the RegExp's source and its flags before `g` and `u` (`i` or none)
 * @throws ServerError 400 `MongoDBError` 51111 (or `op`'s error) for a pattern PCRE refuses or this cannot translate
 */
export function translatePattern(op: string | PatternFailure, pattern: string, options: string): { source: string; flags: string } {
  const fail: PatternFailure = typeof op === "string" ? (reason) => invalidRegex(op, reason) : op;
  const [flags, start] = leadingFlags(pattern, options);
  const [multiline, dotAll, extended] = ["m", "s", "x"].map((f) => flags.includes(f));
  const t: Translation = { fail, pattern, groups: 0 };
  const quantifier = /\{\d+(?:,\d*)?\}/y;
  const lookQuantifier = /(?:[?*+]|\{(\d+)(?:,\d*)?\})([?+]?)/y;
  const open: { at: number; look: boolean }[] = []; // the groups open, where their text starts in `out`
  let out = "";
  let classStart = -1; // where the current class's members start; -1 outside a class
  let afterSet = false; // the last class member was a set (`\w`, `[:alpha:]`), which cannot start a range
  for (let i = start; i < pattern.length;) {
    const c = pattern[i] ?? "";
    if (classStart >= 0) {
      if (c === "-" && afterSet && pattern[i + 1] !== "]") throw fail("invalid range in character class");
      if (c === "-" && pattern[i + 1] === "\\" && /[dDsShHvVwWpP]/.test(pattern[i + 2] ?? "") && i !== classStart) {
        throw fail("invalid range in character class");
      }
      const posix = c === "[" ? /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i, i + 12)) : null;
      if (posix) {
        const set = POSIX_CLASSES[posix[2] ?? ""];
        if (set === undefined) throw fail("unknown POSIX class name");
        out += members(posix[1] === "^" ? complement(set) : set);
        i += posix[0].length;
        afterSet = true;
        continue;
      }
      if (c === "\\") {
        const [text, next] = escape(t, i + 1, true);
        afterSet = /[dDsShHvVwWpP]/.test(pattern[i + 1] ?? "");
        out += text;
        i = next;
        continue;
      }
      afterSet = false;
      const closes = c === "]" && i !== classStart;
      out += c === "]" && !closes ? "\\]" : c; // PCRE's `[]…]` holds a `]`
      if (closes) classStart = -1;
      i++;
    } else if (c === "\\") {
      const [text, next] = escape(t, i + 1, false);
      out += text;
      i = next;
    } else if (extended && " \t\n\v\f\r".includes(c)) {
      i++;
    } else if ((extended && c === "#") || pattern.startsWith("(?#", i)) {
      const end = pattern.indexOf(c === "#" ? "\n" : ")", i);
      if (end < 0 && c !== "#") throw fail("missing ) after (?# comment");
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
      afterSet = false;
    } else if (c === "(") {
      if (open.length >= MAX_NESTING) throw fail("parentheses are too deeply nested");
      const head = /^\(\?(?:P?<(\w+)>|'(\w+)'|P=(\w+)\)|(<?[=!])|[imsxnUJ^-]+[:)])?/.exec(pattern.slice(i, i + 40)) ?? ["("];
      if (/[:)]$/.test(head[0])) {
        if (head[3] === undefined) throw fail("inline flags are supported at the start of the pattern only");
        out += `\\k<${head[3]}>`;
        i += head[0].length;
        continue;
      }
      const name = head[1] ?? head[2];
      if (head[0] === "(" && pattern[i + 1] !== "?" && pattern[i + 1] !== "*") t.groups++;
      if (name !== undefined) t.groups++;
      open.push({ at: out.length, look: head[4] !== undefined });
      out += name === undefined ? (head[4] === undefined ? "(" : `(?${head[4]}`) : `(?<${name}>`;
      i += name === undefined && head[4] === undefined ? 1 : head[0].length;
    } else if (c === ")") {
      const group = open.pop();
      i++;
      lookQuantifier.lastIndex = i;
      const q = group?.look ? lookQuantifier.exec(pattern) : null;
      if (group && q) {
        // PCRE repeats an assertion at most once: optional when it may be absent, else once
        const assertion = `${out.slice(group.at)})`;
        const optional = q[0][0] === "?" || q[0][0] === "*" || q[1] === "0";
        out = optional ? `${out.slice(0, group.at)}${q[2] === "?" ? `(?:|${assertion})` : `(?:${assertion}|)`}` : out + ")";
        i += q[0].length;
      } else out += ")";
    } else {
      if (c === ".") out += dotAll ? ANY : "[^\\n]";
      else if (c === "^") out += multiline ? `(?:^|(?<=\\n)(?=${ANY}))` : "^";
      else if (c === "$") out += multiline ? `(?=\\n|(?!${ANY}))` : `(?=\\n?(?!${ANY}))`;
      else out += c === "}" || c === "]" ? `\\${c}` : c;
      i++;
    }
  }
  return { source: out, flags: flags.includes("i") ? "i" : "" };
}
