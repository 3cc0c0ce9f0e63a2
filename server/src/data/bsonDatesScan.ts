/**
 * `$dateFromString` without a format: timelib's free-form parser (timelib_strtotime), the one
 * MongoDB uses. Like timelib's re2c scanner, it reads the string token by token, each time taking
 * the rule with the longest match (the first one on a tie), and runs that rule's action on the
 * token: ISO 8601 dates and times (`2017-07-04T11:56:02.123+02:00`, with a space for the `T`,
 * `+0200`, `Z`), `2017/07/04`, American `7/4/2017`, textual dates (`July 4, 2017`, `4 Jul 2017`,
 * `Tue, 04 Jul 2017 11:56:02 GMT`), 12-hour times (`11:56 pm`), ISO week dates (`2017-W27-2`),
 * days of the year (`2017.185`), `@1499169362` and the words `now`, `today`, `midnight`, `noon`,
 * `tomorrow`, `yesterday`. Relative phrases (`+1 week`, `next monday`, `first day of`, `ago`) are
 * recognised but refused. Time zone abbreviations are timelib's (bsonDatesAbbreviations.ts). Each
 * rule is tried only where its first character is, so a token costs a few regular expressions.
 * @packageDocumentation
 */
import {
  clf,
  dateTime,
  epoch,
  fail,
  gnunocolon,
  isoNoColon,
  mssqltime,
  noon,
  refuse,
  relativeDay,
  shortDateWithTime,
  time12,
  time24,
  unhaveTime,
  weekday,
  zoneToken,
  type Action,
  type ScanState,
} from "./bsonDatesScanActions.js";
import {
  american,
  dayMonth,
  dayMonthYear,
  isoWeek,
  monthDayYear,
  monthOnly,
  monthYear,
  pointed,
  yearDay,
  yearMonth,
  yearMonthDay,
  yearMonthName,
  ymd,
} from "./bsonDatesScanDates.js";
import { MAX_ISSUES, TextCursor, validity, type ParsedTime } from "./bsonDatesText.js";

const ci = (word: string): string => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const any = (...xs: string[]): string => `(?:${xs.join("|")})`;
const words = (...xs: string[]): string => any(...xs.map(ci));

// timelib's definitions, each alternative longest first (a JS regex takes the first that fits)
const space = "[ \\t\\u00a0\\u202f]+";
const frac = "\\.[0-9]+";
const hour24 = "(?:2[0-4]|[01]?[0-9])";
const hour24lz = "(?:2[0-4]|[01][0-9])";
const hour12 = "(?:1[0-2]|0?[1-9])";
const minute = "[0-5]?[0-9]";
const minutelz = "[0-5][0-9]";
const second = `(?:60|${minute})`;
const secondlz = `(?:60|${minutelz})`;
const meridian = "[AaPp]\\.?[Mm]\\.?[\\0\\t ]";
const tz = "(?:[A-Z][a-z]+(?:[_/-][A-Za-z]+)+|\\(?[A-Za-z]{1,6}\\)?)";
const tzcorrection = `(?:GMT)?[+-]${any(`${hour24lz}:${minutelz}:${secondlz}`, `${hour24lz}${minutelz}${secondlz}`, `${hour24}(?::?${minute})?`)}`;
const daysuf = "(?:st|nd|rd|th)";
const month = "(?:1[0-2]|0?[0-9])";
const day = `(?:3[01]|[0-2]?[0-9])${daysuf}?`;
const year = "[0-9]{1,4}";
const year2 = "[0-9]{2}";
const year4 = "[0-9]{4}";
const monthlz = "(?:0[0-9]|1[0-2])";
const daylz = "(?:0[0-9]|[12][0-9]|3[01])";
const dayofyear = "(?:36[0-6]|3[0-5][0-9]|[12][0-9][0-9]|0[1-9][0-9]|00[1-9])";
const weekofyear = "(?:0[1-9]|[1-4][0-9]|5[0-3])";
const dayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const dayfulls = words(...dayNames.map((d) => `${d}s`));
const dayfull = words(...dayNames);
const dayabbr = words("sun", "mon", "tue", "wed", "thu", "fri", "sat");
const daytext = any(dayfulls, dayfull, dayabbr, words("weekdays", "weekday"));
// prettier-ignore
const monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const monthfull = words(...monthNames);
const monthabbr = words("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec");
const monthroman = any("XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I");
const monthtext = any(monthfull, monthabbr, monthroman);
const timetiny12 = `${hour12}(?:${space})?${meridian}`;
const timeshort12 = `${hour12}[:.]${minutelz}(?:${space})?${meridian}`;
const timelong12 = `${hour12}[:.]${minute}[:.]${secondlz}(?:${space})?${meridian}`;
const timeshort24 = `[tT]?${hour24}[:.]${minute}`;
const timelong24 = `[tT]?${hour24}[:.]${minute}[:.]${second}`;
const iso8601normtz = `[tT]?${hour24}[:.]${minute}[:.]${secondlz}(?:${space})?${any(tzcorrection, tz)}`;
const datenoyear = `${monthtext}[ .\\t-]*${day}(?:[,.stndrh\\t ]+|\\0)`;
// prettier-ignore
const reltextnumbers = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "eight", "ninth", "tenth", "eleventh", "twelfth"];
const reltextnumber = words(...reltextnumbers);
const reltexttexts = ["next", "last", "previous", "this"];
const reltexttext = words(...reltexttexts);
const units = [
  "msec",
  "millisecond",
  "µsec",
  "microsecond",
  "usec",
  "sec",
  "second",
  "min",
  "minute",
  "hour",
  "day",
  "fortnight",
  "forthnight",
  "month",
  "year",
];
const reltextunit = any(...units.map((u) => `${ci(u)}s?`), ci("ms"), ci("µs"), ci("weeks"), daytext);

const DIGITS = "0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** The first letters of words, in both cases: the characters a rule made of them can start with. */
const initials = (...xs: string[]): string => xs.map((w) => w.charAt(0).toLowerCase() + w.charAt(0).toUpperCase()).join("");
const monthFirst = `${initials(...monthNames)}IVX`;
const relativeFirst = initials(...reltextnumbers, ...reltexttexts);

/**
 * The rules in timelib's order: the characters a match can start with (each rule is tried only at
 * those), a pattern, and its action (none: the token is read and ignored).
 */
const RULES: [string, string, Action?][] = [
  ["yY", ci("yesterday"), (_c, st) => relativeDay(st, -1)],
  ["nN", ci("now")],
  ["nN", ci("noon"), noon],
  ["mMtT", words("midnight", "today"), (_c, st) => unhaveTime(st)],
  ["tT", ci("tomorrow"), (_c, st) => relativeDay(st, 1)],
  ["@", "@-?[0-9]+(?:\\.[0-9]{0,6})?", epoch],
  ["fFlL", words("first day of", "last day of"), refuse],
  ["bBfF", `${words("back of ", "front of ")}${hour24}(?:(?:${space})?${meridian})?`, refuse],
  [relativeFirst, `${any(reltextnumber, reltexttext)}${space}${any(dayfulls, dayfull, dayabbr)}${space}${ci("of")}`, refuse],
  [DIGITS, any(timelong12, timeshort12, timetiny12), time12],
  [DIGITS, `${hour12}:${minutelz}:${secondlz}[:.][0-9]+${meridian}`, mssqltime],
  [`${DIGITS}tT`, any(`[tT]?${hour24}[:.]${minute}[:.]${second}${frac}`, timelong24, timeshort24, `[tT]${hour24}`), time24],
  [`${DIGITS}tT`, `[tT]?${hour24lz}${minutelz}`, gnunocolon],
  [`${DIGITS}tT`, `[tT]?${hour24lz}${minutelz}${secondlz}`, isoNoColon],
  [DIGITS, `${month}/${day}(?:/${year})?`, american],
  [
    `${DIGITS}+-`,
    any(`[+-]?${year4}-${monthlz}-${daylz}`, `${year4}/${monthlz}/${daylz}/?`, `${year4}/${month}/${day}`),
    (c, st) => ymd(c, st, c.signedNumber(4)),
  ],
  [DIGITS, `${year2}-${monthlz}-${daylz}`, (c, st) => ymd(c, st, c.numberEx(4))],
  ["+-", `[+-][0-9]{5,19}-${monthlz}-${daylz}`, (c, st) => ymd(c, st, c.signedNumber(19))],
  [DIGITS, `${year4}-${month}`, yearMonth],
  [DIGITS, `${year}-${month}-${day}`, (c, st) => ymd(c, st, c.numberEx(4))],
  [DIGITS, `${day}[ \\t.-]*${monthtext}[ \\t.-]*${year}`, dayMonthYear],
  [DIGITS, `${day}[.\\t-]${month}[.-]${year4}`, pointed],
  [DIGITS, `${day}[.\\t]${month}\\.${year2}`, pointed],
  [monthFirst, `${monthtext}[ .\\t-]*${year4}`, monthYear],
  [DIGITS, `${year4}[ .\\t-]*${monthtext}`, yearMonthName],
  [monthFirst, any(`${monthtext}[ .\\t-]*${day}[,.stndrh\\t ]+${year}`, datenoyear), monthDayYear],
  [DIGITS, `${day}[ .\\t-]*${monthtext}`, dayMonth],
  [DIGITS, `${year4}${monthlz}${daylz}`, (c, st) => ymd(c, st, c.number(4))],
  [
    DIGITS,
    // timelib's five forms, each after a year of 4 digits (taken out: it matches one way only)
    year4 +
      any(
        `-${monthlz}-${daylz}T${hour24lz}:${minutelz}:${secondlz}${frac}(?:${tzcorrection})?`,
        `${monthlz}${daylz}T${hour24}:${minutelz}:${secondlz}`,
        `${monthlz}${daylz}[tT]${hour24}${minutelz}${secondlz}`,
        `-${month}-${day}T${hour24}:${minute}:${second}`,
        `:${monthlz}:${daylz} ${hour24lz}:${minutelz}:${secondlz}`,
      ),
    dateTime,
  ],
  [DIGITS, `${year4}[.-]?${dayofyear}`, yearDay],
  [DIGITS, `${year4}-?W${weekofyear}-?[0-7]`, (c, st) => isoWeek(c, st, true)],
  [DIGITS, `${year4}-?W${weekofyear}`, (c, st) => isoWeek(c, st, false)],
  [monthFirst, `${monthabbr}-${daylz}-${year}`, monthDayYear],
  [DIGITS, `${year}-${monthabbr}-${daylz}`, yearMonthDay],
  [DIGITS, `${day}/${monthabbr}/${year4}:${hour24lz}:${minutelz}:${secondlz}${space}${tzcorrection}`, clf],
  [DIGITS, year4, (c, st) => void (st.t.y = c.number(4))],
  ["aA", ci("ago"), refuse],
  [initials(...dayNames, "weekday"), daytext, weekday],
  [initials(...reltexttexts), `${reltexttext}${space}${ci("week")}`, refuse],
  [relativeFirst, `${any(reltextnumber, reltexttext)}${space}${reltextunit}`, refuse],
  [monthFirst, any(monthfull, monthabbr), monthOnly],
  [`${LETTERS}(+-`, any(tzcorrection, tz), zoneToken],
  [monthFirst, `${datenoyear}${any(timelong12, timeshort12)}`, (c, st) => shortDateWithTime(c, st, true)],
  [monthFirst, `${datenoyear}${any(iso8601normtz, timelong24, timeshort24)}`, (c, st) => shortDateWithTime(c, st, false)],
  // the signs and spaces bounded: timelib takes any number, but a run of signs would cost quadratic time here;
  // (?![0-9]): a shorter reading of a number has a digit after it, where no unit starts (no backtracking)
  [`${DIGITS}+- \t`, `[+-]{0,64}[ \\t]{0,64}[0-9]{1,13}(?![0-9])[ \\t\\u00a0\\u202f]{0,64}${any(reltextunit, ci("week"))}`, refuse],
  // timelib skips `.`, `,`, NUL and a newline one at a time; a run at once is the same (no other rule starts with them)
  [".,\0\n", "[.,\\0\\n]+"],
  [" \t\u00a0\u202f", space],
];

/** A rule ready to run: its sticky pattern and action. */
interface Rule {
  re: RegExp;
  action?: Action;
}

/** The rules by the character a match starts with, each list in timelib's order. */
const RULES_AT = new Map<string, Rule[]>();
for (const [first, pattern, action] of RULES) {
  const rule: Rule = { re: new RegExp(pattern, "y"), action };
  for (const c of new Set(first)) RULES_AT.set(c, [...(RULES_AT.get(c) ?? []), rule]);
}
const NO_RULES: Rule[] = [];

/**
 * Parses a date string as timelib_strtotime does. Each token costs the rules that can start with
 * its first character (a few sticky regular expressions), so the time is linear in the string.
 * @param input - the string
 * @returns the parsed fields, with timelib's errors and warnings (none thrown)
 */
export function scanDate(input: string): ParsedTime {
  // C's isspace at both ends (a loop: a regex anchored at the end is quadratic on inner spaces)
  let start = 0;
  let end = input.length;
  while (start < end && " \t\n\v\f\r".includes(input[start] ?? "")) start++;
  while (end > start && " \t\n\v\f\r".includes(input[end - 1] ?? "")) end--;
  const text = input.slice(start, end);
  const st: ScanState = { t: { errors: [], warnings: [] }, haveDate: false, haveTime: 0, haveZone: 0, tok: 0, text };
  if (text === "") {
    st.t.errors.push({ position: 0, message: "Empty string", char: "\0" });
    return st.t;
  }
  const padded = `${text}\0`;
  let pos = 0;
  while (pos < text.length && st.t.errors.length < MAX_ISSUES) {
    // the longest match, the first rule on a tie
    let length = 0;
    let best: Rule | undefined;
    for (const rule of RULES_AT.get(padded.charAt(pos)) ?? NO_RULES) {
      rule.re.lastIndex = pos;
      if (rule.re.test(padded) && rule.re.lastIndex - pos > length) {
        length = rule.re.lastIndex - pos;
        best = rule;
      }
    }
    st.tok = pos;
    if (!best) {
      fail(st, "Unexpected character");
      pos++;
      continue;
    }
    if (best.action) {
      // the token without a NUL it ends with (the string's end, or one a rule took in)
      const token = padded.slice(pos, pos + length);
      best.action(new TextCursor(token.endsWith("\0") ? token.slice(0, -1) : token), st);
    }
    pos += length;
  }
  validity(st.t, st.haveTime > 0, st.haveDate, { position: text.length, message: "", char: "\0" });
  return st.t;
}
