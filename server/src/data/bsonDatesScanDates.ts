/**
 * The actions of `$dateFromString`'s free-form parser (bsonDatesScan.ts) for the rules that read
 * a calendar date (`2017-07-04`, `7/4/2017`, `4 July 2017`, `2017.185`, `2017-W27-2`): the date
 * fields from the token, with timelib's check of one date per string.
 * @packageDocumentation
 */
import { civilMs } from "./bsonDatesCalendar.js";
import { haveDate, type ScanState } from "./bsonDatesScanActions.js";
import type { TextCursor } from "./bsonDatesText.js";

/** TIMELIB_PROCESS_YEAR: a year of fewer than 4 digits below 100 is 20xx below 70, else 19xx. */
function setYear(st: ScanState, year: { value: number; length: number } | number | undefined): void {
  if (typeof year !== "object") st.t.y = year;
  else st.t.y = year.length < 4 && year.value < 100 ? year.value + (year.value < 70 ? 2000 : 1900) : year.value;
}

/** `7/4`, `7/4/2017`, `07/04/17`. */
export function american(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.m = c.number(2);
  st.t.d = c.number(2);
  if (c.char === "/") setYear(st, c.numberEx(4));
}

/** `2017-07-04`, `2017/07/04`, `17-07-04`, `+02017-07-04`, `20170704`: year, month, day. */
export function ymd(c: TextCursor, st: ScanState, year: { value: number; length: number } | number | undefined): void {
  if (!haveDate(st)) return;
  setYear(st, year);
  st.t.m = c.number(2);
  st.t.d = c.number(2);
}

/** `2017-07`: the first of the month. */
export function yearMonth(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  setYear(st, c.numberEx(4));
  st.t.m = c.number(2);
  st.t.d = 1;
}

/** `4 July 2017`, `4th-Jul-2017`, `04.VII.2017`. */
export function dayMonthYear(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.d = c.number(2);
  c.skipDaySuffix();
  st.t.m = c.month();
  setYear(st, c.numberEx(4));
}

/** `04.07.2017`, `4-7-2017`, `04.07.17`. */
export function pointed(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.d = c.number(2);
  st.t.m = c.number(2);
  setYear(st, c.numberEx(4));
}

/** `July 2017`: the first of the month. */
export function monthYear(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.m = c.month();
  setYear(st, c.numberEx(4));
  st.t.d = 1;
}

/** `2017 July`: the first of the month. */
export function yearMonthName(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  setYear(st, c.numberEx(4));
  st.t.m = c.month();
  st.t.d = 1;
}

/** `July 4, 2017`, `Jul 4th 2017`, `Jul-04-2017`, `July 4` (no year). */
export function monthDayYear(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.m = c.month();
  st.t.d = c.number(2);
  setYear(st, c.numberEx(4));
}

/** `2017-Jul-04`. */
export function yearMonthDay(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  setYear(st, c.numberEx(4));
  st.t.m = c.month();
  st.t.d = c.number(2);
}

/** `4 July` (no year). */
export function dayMonth(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  st.t.d = c.number(2);
  c.skipDaySuffix();
  st.t.m = c.month();
}

/** `July` alone. */
export function monthOnly(c: TextCursor, st: ScanState): void {
  if (haveDate(st)) st.t.m = c.monthName();
}

/** `2017.185`: a day of the year, read as a day of January (timelib warns beyond the 31st). */
export function yearDay(c: TextCursor, st: ScanState): void {
  if (!haveDate(st)) return;
  setYear(st, c.numberEx(4));
  st.t.d = c.number(3);
  st.t.m = 1;
}

/** `2017-W27-2`: January 1 and the days to the week date (timelib_daynr_from_weeknr). */
export function isoWeek(c: TextCursor, st: ScanState, withDay: boolean): void {
  if (!haveDate(st)) return;
  const y = c.number(4) ?? 0;
  const w = c.number(2) ?? 1;
  const d = withDay ? (c.number(1) ?? 0) : 1;
  Object.assign(st.t, { y, m: 1, d: 1 });
  const january1 = new Date(civilMs(y, 1, 1)).getUTCDay();
  st.t.relDays = (st.t.relDays ?? 0) - (january1 > 4 ? january1 - 7 : january1) + (w - 1) * 7 + d;
}
