/**
 * `$dateFromString` without a format: timelib's free-form parser (timelib_strtotime), the one
 * MongoDB uses. Like timelib's re2c scanner, it reads the string token by token, each time taking
 * the rule with the longest match (the first one on a tie), and runs that rule's action on the
 * token: ISO 8601 dates and times (`2017-07-04T11:56:02.123+02:00`, with a space for the `T`,
 * `+0200`, `Z`), `2017/07/04`, American `7/4/2017`, textual dates (`July 4, 2017`, `4 Jul 2017`,
 * `Tue, 04 Jul 2017 11:56:02 GMT`), 12-hour times (`11:56 pm`), ISO week dates (`2017-W27-2`),
 * days of the year (`2017.185`), `@1499169362` and the words `now`, `today`, `midnight`, `noon`,
 * `tomorrow`, `yesterday`. Relative phrases (`+1 week`, `next monday`, `first day of`, `ago`) are
 * recognised but refused. Time zone abbreviations are a subset of timelib's (bsonDatesText.ts).
 * @packageDocumentation
 */
import {
  american,
  clf,
  dateTime,
  dayMonth,
  dayMonthYear,
  epoch,
  fail,
  gnunocolon,
  isoNoColon,
  isoWeek,
  monthDayYear,
  monthOnly,
  monthYear,
  mssqltime,
  noon,
  pointed,
  refuse,
  relativeDay,
  shortDateWithTime,
  time12,
  time24,
  unhaveTime,
  weekday,
  yearDay,
  yearMonth,
  yearMonthDay,
  yearMonthName,
  ymd,
  zoneToken,
  type Action,
  type ScanState,
} from "./bsonDatesScanActions.js";
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
const dayfulls = words("sundays", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays");
const dayfull = words("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday");
const dayabbr = words("sun", "mon", "tue", "wed", "thu", "fri", "sat");
const daytext = any(dayfulls, dayfull, dayabbr, words("weekdays", "weekday"));
const monthfull = words(
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
);
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
const reltextnumber = words(
  "first",
  "second",
  "third",
  "fourth",
  "fifth",
  "sixth",
  "seventh",
  "eighth",
  "eight",
  "ninth",
  "tenth",
  "eleventh",
  "twelfth",
);
const reltexttext = words("next", "last", "previous", "this");
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

/** The rules in timelib's order: a pattern and its action. */
const RULES: [RegExp, Action][] = (
  [
    [ci("yesterday"), (_c, st) => relativeDay(st, -1)],
    [ci("now"), () => undefined],
    [ci("noon"), noon],
    [words("midnight", "today"), (_c, st) => unhaveTime(st)],
    [ci("tomorrow"), (_c, st) => relativeDay(st, 1)],
    ["@-?[0-9]+(?:\\.[0-9]{0,6})?", epoch],
    [words("first day of", "last day of"), refuse],
    [`${words("back of ", "front of ")}${hour24}(?:(?:${space})?${meridian})?`, refuse],
    [`${any(reltextnumber, reltexttext)}${space}${any(dayfulls, dayfull, dayabbr)}${space}${ci("of")}`, refuse],
    [any(timelong12, timeshort12, timetiny12), time12],
    [`${hour12}:${minutelz}:${secondlz}[:.][0-9]+${meridian}`, mssqltime],
    [any(`[tT]?${hour24}[:.]${minute}[:.]${second}${frac}`, timelong24, timeshort24, `[tT]${hour24}`), time24],
    [`[tT]?${hour24lz}${minutelz}`, gnunocolon],
    [`[tT]?${hour24lz}${minutelz}${secondlz}`, isoNoColon],
    [`${month}/${day}(?:/${year})?`, american],
    [
      any(`[+-]?${year4}-${monthlz}-${daylz}`, `${year4}/${monthlz}/${daylz}/?`, `${year4}/${month}/${day}`),
      (c, st) => ymd(c, st, c.signedNumber(4)),
    ],
    [`${year2}-${monthlz}-${daylz}`, (c, st) => ymd(c, st, c.numberEx(4))],
    [`[+-][0-9]{5,19}-${monthlz}-${daylz}`, (c, st) => ymd(c, st, c.signedNumber(19))],
    [`${year4}-${month}`, yearMonth],
    [`${year}-${month}-${day}`, (c, st) => ymd(c, st, c.numberEx(4))],
    [`${day}[ \\t.-]*${monthtext}[ \\t.-]*${year}`, dayMonthYear],
    [`${day}[.\\t-]${month}[.-]${year4}`, pointed],
    [`${day}[.\\t]${month}\\.${year2}`, pointed],
    [`${monthtext}[ .\\t-]*${year4}`, monthYear],
    [`${year4}[ .\\t-]*${monthtext}`, yearMonthName],
    [any(`${monthtext}[ .\\t-]*${day}[,.stndrh\\t ]+${year}`, datenoyear), monthDayYear],
    [`${day}[ .\\t-]*${monthtext}`, dayMonth],
    [`${year4}${monthlz}${daylz}`, (c, st) => ymd(c, st, c.number(4))],
    [
      any(
        `${year4}-${monthlz}-${daylz}T${hour24lz}:${minutelz}:${secondlz}${frac}(?:${tzcorrection})?`,
        `${year4}${monthlz}${daylz}T${hour24}:${minutelz}:${secondlz}`,
        `${year4}${monthlz}${daylz}[tT]${hour24}${minutelz}${secondlz}`,
        `${year4}-${month}-${day}T${hour24}:${minute}:${second}`,
        `${year4}:${monthlz}:${daylz} ${hour24lz}:${minutelz}:${secondlz}`,
      ),
      dateTime,
    ],
    [`${year4}[.-]?${dayofyear}`, yearDay],
    [`${year4}-?W${weekofyear}-?[0-7]`, (c, st) => isoWeek(c, st, true)],
    [`${year4}-?W${weekofyear}`, (c, st) => isoWeek(c, st, false)],
    [`${monthabbr}-${daylz}-${year}`, monthDayYear],
    [`${year}-${monthabbr}-${daylz}`, yearMonthDay],
    [`${day}/${monthabbr}/${year4}:${hour24lz}:${minutelz}:${secondlz}${space}${tzcorrection}`, clf],
    [year4, (c, st) => void (st.t.y = c.number(4))],
    [ci("ago"), refuse],
    [daytext, weekday],
    [`${reltexttext}${space}${ci("week")}`, refuse],
    [`${any(reltextnumber, reltexttext)}${space}${reltextunit}`, refuse],
    [any(monthfull, monthabbr), monthOnly],
    [any(tzcorrection, tz), zoneToken],
    [`${datenoyear}${any(timelong12, timeshort12)}`, (c, st) => shortDateWithTime(c, st, true)],
    [`${datenoyear}${any(iso8601normtz, timelong24, timeshort24)}`, (c, st) => shortDateWithTime(c, st, false)],
    // the signs and spaces bounded: timelib takes any number, but a run of signs would cost quadratic time here
    [`[+-]{0,64}[ \\t]{0,64}[0-9]{1,13}[ \\t\\u00a0\\u202f]{0,64}${any(reltextunit, ci("week"))}`, refuse],
    ["[.,]", () => undefined],
    [space, () => undefined],
    ["[\\0\\n]", () => undefined],
  ] as [string, Action][]
).map(([pattern, action]) => [new RegExp(pattern, "y"), action]);

/**
 * Parses a date string as timelib_strtotime does.
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
    let best: [number, Action] | undefined;
    for (const [re, action] of RULES) {
      re.lastIndex = pos;
      const m = re.exec(padded);
      if (m && m[0].length > (best?.[0] ?? 0)) best = [m[0].length, action];
    }
    st.tok = pos;
    if (!best) {
      fail(st, "Unexpected character");
      pos++;
      continue;
    }
    best[1](new TextCursor(padded.slice(pos, pos + best[0]).replace(/\0$/, "")), st);
    pos += best[0];
  }
  validity(st.t, st.haveTime > 0, st.haveDate, { position: text.length, message: "", char: "\0" });
  return st.t;
}
