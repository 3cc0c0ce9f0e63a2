/**
 * What `$dateFromString`'s two parsers (bsonDatesScan.ts without a format, bsonDatesParse.ts with
 * one) share, after timelib, the library MongoDB parses dates with: the parsed fields, the
 * problems found, and the readers of numbers, month names, meridians and time zones.
 * @packageDocumentation
 */
import { abbreviationOffset } from "./bsonDatesAbbreviations.js";
import { isValidDate } from "./bsonDatesCalendar.js";

/** A problem timelib reports: its position in the string, its message, the character there. */
export interface Issue {
  position: number;
  message: string;
  char: string;
}

/** A time zone written in the string: an offset (`+02:00`) or an abbreviation (`EDT`, `Z`). */
interface ParsedZone {
  /** the offset east of UTC, in seconds */
  seconds: number;
  /** the abbreviation, upper-cased, for a zone written as one */
  abbr?: string;
}

/** A date/time as parsed, each field undefined until found (timelib's TIMELIB_UNSET). */
export interface ParsedTime {
  y?: number;
  m?: number;
  d?: number;
  h?: number;
  i?: number;
  s?: number;
  /** microseconds */
  us?: number;
  zone?: ParsedZone;
  /** a day name: move forward to that day of the week (0 = Sunday), unless the date is one */
  weekday?: number;
  /** days to add (`tomorrow`, `yesterday`, an ISO week date) */
  relDays?: number;
  /** seconds and microseconds to add (`@1500000000.5`) */
  relSeconds?: number;
  relUs?: number;
  errors: Issue[];
  warnings: Issue[];
}

/** The most problems reported (and the free-form parser's stop): timelib reports every one. */
export const MAX_ISSUES = 100;

/** The message MongoDB gives in place of timelib's for a zone it does not know. */
export const ZONE_NOT_FOUND = "The timezone could not be found in the database";

/** Month names, abbreviations and Roman numerals (a Map: a word such as `constructor` is no month). */
const MONTHS = new Map<string, number>(
  Object.entries({
    jan: 1, january: 1, i: 1, feb: 2, february: 2, ii: 2, mar: 3, march: 3, iii: 3, apr: 4, april: 4, iv: 4, may: 5, v: 5,
    jun: 6, june: 6, vi: 6, jul: 7, july: 7, vii: 7, aug: 8, august: 8, viii: 8, sep: 9, sept: 9, september: 9, ix: 9,
    oct: 10, october: 10, x: 10, nov: 11, november: 11, xi: 11, dec: 12, december: 12, xii: 12,
  }),
); // prettier-ignore

/**
 * True for an ASCII digit (C's isdigit).
 * @param c - a character
 */
export const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isLetter = (c: string): boolean => (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");

/** A reader over a string (a token, or the whole string with a format), as timelib's pointer. */
export class TextCursor {
  /**
   * @param text - the text
   * @param pos - where reading starts
   */
  constructor(
    readonly text: string,
    public pos = 0,
  ) {}

  /** The character at the cursor, `"\0"` at the end (C's terminator). */
  get char(): string {
    return this.text[this.pos] ?? "\0";
  }

  /** The character `n` places after the cursor. */
  peek(n: number): string {
    return this.text[this.pos + n] ?? "\0";
  }

  /** timelib_get_nr_ex: skips to the next digit and reads up to `max` digits; undefined at the end. */
  numberEx(max: number): { value: number; length: number } | undefined {
    while (!isDigit(this.char)) {
      if (this.char === "\0") return undefined;
      this.pos++;
    }
    const start = this.pos;
    while (isDigit(this.char) && this.pos - start < max) this.pos++;
    return { value: Number(this.text.slice(start, this.pos)), length: this.pos - start };
  }

  /** timelib_get_nr: as {@link numberEx}, the value only. */
  number(max: number): number | undefined {
    return this.numberEx(max)?.value;
  }

  /** timelib_get_signed_nr: skips to a sign or a digit, then reads signs and up to `max` digits. */
  signedNumber(max: number): number {
    while (!isDigit(this.char) && this.char !== "+" && this.char !== "-") {
      if (this.char === "\0") return 0;
      this.pos++;
    }
    let sign = 1;
    while (this.char === "+" || this.char === "-") {
      if (this.char === "-") sign = -sign;
      this.pos++;
    }
    return sign * (this.number(max) ?? 0);
  }

  /** timelib_get_frac_nr: a fraction of a second (`.123`) in microseconds, truncated. */
  fraction(): number {
    while (this.char !== "." && this.char !== ":" && !isDigit(this.char)) {
      if (this.char === "\0") return 0;
      this.pos++;
    }
    const start = this.pos;
    while (this.char === "." || this.char === ":" || isDigit(this.char)) this.pos++;
    const digits = this.text.slice(start + 1, this.pos).replace(/\D.*$/, "");
    return digits.length <= 6 ? Number(digits || 0) * 10 ** (6 - digits.length) : Number(digits.slice(0, 6));
  }

  /** timelib_lookup_month: a month's name or abbreviation or Roman numeral; 0 if none. */
  monthName(): number {
    const start = this.pos;
    while (isLetter(this.char)) this.pos++;
    return MONTHS.get(this.text.slice(start, this.pos).toLowerCase()) ?? 0;
  }

  /** timelib_get_month: a month name after spaces and separators. */
  month(): number {
    while (" \t-./".includes(this.char)) this.pos++;
    return this.monthName();
  }

  /** timelib_skip_day_suffix: `st`, `nd`, `rd`, `th`. */
  skipDaySuffix(): void {
    if (/^(?:st|nd|rd|th)$/i.test(this.text.slice(this.pos, this.pos + 2))) this.pos += 2;
  }

  /** timelib_eat_spaces. */
  eatSpaces(): void {
    while (this.char === " " || this.char === "\t" || this.char === "\u00a0" || this.char === "\u202f") this.pos++;
  }

  /** timelib_meridian: the hours to add for `am`/`pm` after hour `h`. */
  meridian(h: number): number {
    while (!"AaPp".includes(this.char) && this.char !== "\0") this.pos++;
    const pm = this.char === "p" || this.char === "P";
    this.pos++;
    for (const c of [".", "m", "."]) if (this.char.toLowerCase() === c) this.pos++;
    if (pm) return h === 12 ? 0 : 12;
    return h === 12 ? -12 : 0;
  }

  /**
   * timelib_parse_zone: an offset (`+05`, `-0530`, `+05:30`, `GMT+2`) or an abbreviation (`UTC`,
   * `EDT`, `Z`); `notFound` for anything else (MongoDB allows no Olson name in the string).
   */
  zone(): { zone?: ParsedZone; notFound: boolean } {
    while (this.char === " " || this.char === "\t" || this.char === "(") this.pos++;
    if (this.text.startsWith("GMT+", this.pos) || this.text.startsWith("GMT-", this.pos)) this.pos += 3;
    let result: { zone?: ParsedZone; notFound: boolean };
    if (this.char === "+" || this.char === "-") {
      const sign = this.char === "-" ? -1 : 1;
      this.pos++;
      const seconds = this.offsetSeconds();
      result = seconds === undefined ? { notFound: true } : { zone: { seconds: sign * seconds }, notFound: false };
    } else {
      const start = this.pos;
      while (isLetter(this.char) || isDigit(this.char) || "/_-+".includes(this.char)) this.pos++;
      const word = this.text.slice(start, this.pos);
      // timelib's MAX_ABBR_LEN: 6 with glibc, the word shorter
      const seconds = word.length < 6 ? abbreviationOffset(word) : undefined;
      result = seconds === undefined ? { notFound: true } : { zone: { seconds, abbr: word.toUpperCase() }, notFound: false };
    }
    while (this.char === ")") this.pos++;
    return result;
  }

  /** timelib_parse_tz_cor: H, HH, H:MM, HHMM, HH:MM, HHMMSS, HH:MM:SS, in seconds. */
  private offsetSeconds(): number | undefined {
    const start = this.pos;
    while (isDigit(this.char) || this.char === ":") this.pos++;
    const s = this.text.slice(start, this.pos);
    const n = (from: number, to?: number): number => parseInt(s.slice(from, to), 10) || 0;
    switch (s.length) {
      case 1:
      case 2:
        return n(0) * 3600;
      case 3:
      case 4:
        if (s[1] === ":") return n(0) * 3600 + n(2) * 60;
        if (s[2] === ":") return n(0) * 3600 + n(3) * 60;
        return Math.trunc(n(0) / 100) * 3600 + (n(0) % 100) * 60;
      case 5:
        return s[2] === ":" ? n(0) * 3600 + n(3) * 60 : undefined;
      case 6:
        return Math.trunc(n(0) / 10000) * 3600 + (Math.trunc(n(0) / 100) % 100) * 60 + (n(0) % 100);
      case 8:
        return s[2] === ":" && s[5] === ":" ? n(0) * 3600 + n(3) * 60 + n(6) : undefined;
      default:
        return undefined;
    }
  }

  /** timelib_parse_tz_minutes: `±mmm`, an offset in minutes; undefined without a sign. */
  tzMinutes(): number | undefined {
    if (this.char !== "+" && this.char !== "-") return undefined;
    const sign = this.char === "-" ? -1 : 1;
    const start = ++this.pos;
    while (isDigit(this.char)) this.pos++;
    return sign * (Number(this.text.slice(start, this.pos)) || 0) * 60;
  }
}

/**
 * timelib's warnings for a time or a date that does not exist (25:00, February 30).
 * @param t - the parsed fields
 * @param time - whether to check the time
 * @param date - whether to check the date
 * @param at - where to report (its message is replaced)
 */
export function validity(t: ParsedTime, time: boolean, date: boolean, at: Issue): void {
  const { h, i, s, y, m, d } = t;
  if (time && h !== undefined && i !== undefined && s !== undefined && (h < 0 || h > 23 || i < 0 || i > 59 || s < 0 || s > 59)) {
    t.warnings.push({ ...at, message: "The parsed time was invalid" });
  }
  if (date && y !== undefined && m !== undefined && d !== undefined && !isValidDate(y, m, d)) {
    t.warnings.push({ ...at, message: "The parsed date was invalid" });
  }
}

/**
 * An issue at a position of a string.
 * @param text - the string
 * @param position - where
 * @param message - timelib's message
 */
export function issueAt(text: string, position: number, message: string): Issue {
  return { position, message, char: text[position] ?? "\0" };
}
