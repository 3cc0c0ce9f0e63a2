/**
 * The actions of `$dateFromString`'s free-form parser (bsonDatesScan.ts): what each of timelib's
 * rules does with the token it matched, with timelib's checks (one date, one time, one zone per
 * string) and messages. This file holds the scanner's state and checks and the actions of times,
 * zones, words and dates with a time; the actions of calendar dates are in bsonDatesScanDates.ts.
 * @packageDocumentation
 */
import { issueAt, ZONE_NOT_FOUND, type ParsedTime, type TextCursor } from "./bsonDatesText.js";

/** What a rule does with its token. */
export type Action = (c: TextCursor, st: ScanState) => void;

/** The scanner's state: the time being built and timelib's have_* flags. */
export interface ScanState {
  t: ParsedTime;
  haveDate: boolean;
  /** 0, 1, or 2 after `1130 2017` (a time, then a year) */
  haveTime: number;
  haveZone: number;
  /** where the current token starts, in the trimmed string */
  tok: number;
  text: string;
}

/** The action of the relative phrases, which are refused. */
export const refuse: Action = (_c, st) => {
  fail(st, "relative date expressions are not supported");
};

/** Records an error at the current token. */
export function fail(st: ScanState, message: string): false {
  st.t.errors.push(issueAt(st.text, st.tok, message));
  return false;
}

/**
 * TIMELIB_HAVE_DATE: one date per string.
 * @param st - the scanner's state
 * @returns false (with an error recorded) for a second date
 */
export function haveDate(st: ScanState): boolean {
  if (st.haveDate) return fail(st, "Double date specification");
  return (st.haveDate = true);
}

/** TIMELIB_HAVE_TIME: one time per string; the time starts at 00:00:00. */
function haveTime(st: ScanState): boolean {
  if (st.haveTime > 0) return fail(st, "Double time specification");
  st.t.h = st.t.i = st.t.s = st.t.us = 0;
  st.haveTime = 1;
  return true;
}

/** TIMELIB_UNHAVE_TIME: the time back to 00:00:00 (`midnight`, `today`, a day name). */
export function unhaveTime(st: ScanState): void {
  st.t.h = st.t.i = st.t.s = st.t.us = 0;
  st.haveTime = 0;
}

/** TIMELIB_HAVE_TZ: a second zone is a warning, a third an error. */
function haveZone(st: ScanState): boolean {
  st.haveZone++;
  if (st.haveZone === 1) return true;
  (st.haveZone > 2 ? st.t.errors : st.t.warnings).push(issueAt(st.text, st.tok, "Double timezone specification"));
  return false;
}

/** A zone after a time within its token (`10:00:00.5+02:00`, `11:56:02 GMT`). */
function inlineZone(c: TextCursor, st: ScanState): void {
  if (c.char === "\0") return;
  const { zone, notFound } = c.zone();
  if (notFound) fail(st, ZONE_NOT_FOUND);
  else st.t.zone = zone;
}

/** `yesterday`, `tomorrow`: a day back or forward, at midnight. */
export function relativeDay(st: ScanState, days: number): void {
  unhaveTime(st);
  st.t.relDays = (st.t.relDays ?? 0) + days;
}

/** `noon`: 12:00:00. */
export function noon(_c: TextCursor, st: ScanState): void {
  unhaveTime(st);
  haveTime(st);
  st.t.h = 12;
}

/** `@seconds[.fraction]`: seconds since the epoch, in UTC. */
export function epoch(c: TextCursor, st: ScanState): void {
  st.haveDate = false;
  unhaveTime(st);
  if (!haveZone(st)) return;
  Object.assign(st.t, { y: 1970, m: 1, d: 1, zone: { seconds: 0 } });
  const negative = c.peek(1) === "-";
  st.t.relSeconds = (st.t.relSeconds ?? 0) + c.signedNumber(24);
  if (c.char === ".") st.t.relUs = (negative ? -1 : 1) * c.fraction();
}

/** `10 pm`, `10:30 am`, `10:30:15 p.m.`. */
export function time12(c: TextCursor, st: ScanState): void {
  if (!haveTime(st)) return;
  const h = c.number(2) ?? 0;
  if (c.char === ":" || c.char === ".") {
    st.t.i = c.number(2);
    if (c.char === ":" || c.char === ".") st.t.s = c.number(2);
  }
  c.eatSpaces();
  st.t.h = h + c.meridian(h);
}

/** `10:30:15.123 pm` (MSSQL). */
export function mssqltime(c: TextCursor, st: ScanState): void {
  if (!haveTime(st)) return;
  const h = c.number(2) ?? 0;
  st.t.i = c.number(2);
  if (c.char === ":" || c.char === ".") {
    st.t.s = c.number(2);
    if (c.char === ":" || c.char === ".") st.t.us = c.fraction();
  }
  c.eatSpaces();
  st.t.h = h + c.meridian(h);
}

/** `10:30`, `10:30:15`, `10:30:15.123`, `T10`, with a zone written after the time. */
export function time24(c: TextCursor, st: ScanState): void {
  if (!haveTime(st)) return;
  st.t.h = c.number(2);
  if (c.char === ":" || c.char === ".") {
    st.t.i = c.number(2);
    if (c.char === ":" || c.char === ".") {
      st.t.s = c.number(2);
      if (c.char === ".") st.t.us = c.fraction();
    }
  }
  inlineZone(c, st);
}

/** `1130`: a time, or after a time the year. */
export function gnunocolon(c: TextCursor, st: ScanState): void {
  if (st.haveTime === 0) Object.assign(st.t, { h: c.number(2), i: c.number(2), s: 0 });
  else if (st.haveTime === 1) st.t.y = c.number(4);
  else {
    fail(st, "Double time specification");
    return;
  }
  st.haveTime++;
}

/** `103015` after a date: hours, minutes, seconds. */
export function isoNoColon(c: TextCursor, st: ScanState): void {
  if (!haveTime(st)) return;
  Object.assign(st.t, { h: c.number(2), i: c.number(2), s: c.number(2) });
  inlineZone(c, st);
}

/** `2017-07-04T10:30:15[.123][+02:00]`, `20170704T10:30:15`, `2017:07:04 10:30:15` (EXIF). */
export function dateTime(c: TextCursor, st: ScanState): void {
  if (!haveTime(st) || !haveDate(st)) return;
  Object.assign(st.t, { y: c.number(4), m: c.number(2), d: c.number(2), h: c.number(2), i: c.number(2), s: c.number(2) });
  if (c.char !== ".") return;
  st.t.us = c.fraction();
  inlineZone(c, st);
}

/** The Common Log Format: `10/Oct/2000:13:55:36 -0700`. */
export function clf(c: TextCursor, st: ScanState): void {
  if (!haveTime(st) || !haveDate(st)) return;
  Object.assign(st.t, { d: c.number(2), m: c.month(), y: c.number(4), h: c.number(2), i: c.number(2), s: c.number(2) });
  c.eatSpaces();
  inlineZone(c, st);
}

/** A day name: the next such day, unless the date is one; the time back to 00:00:00. */
export function weekday(c: TextCursor, st: ScanState): void {
  const name = c.text.slice(0, 3).toLowerCase();
  if (name === "wee") {
    refuse(c, st);
    return;
  }
  unhaveTime(st);
  st.t.weekday = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].indexOf(name);
}

/** A zone token: `+02:00`, `-0530`, `GMT+2`, `UTC`, `EST`, `Z`; an Olson name is an error. */
export function zoneToken(c: TextCursor, st: ScanState): void {
  if (!haveZone(st)) return;
  c.eatSpaces();
  inlineZone(c, st);
}

/** `July 4 10:00`, `Jul 4 10:00:00 pm`: a date without a year, then a time. */
export function shortDateWithTime(c: TextCursor, st: ScanState, twelve: boolean): void {
  if (!haveDate(st)) return;
  st.t.m = c.month();
  st.t.d = c.number(2);
  if (!haveTime(st)) return;
  const h = c.number(2) ?? 0;
  st.t.i = c.number(2);
  if (c.char === ":" || (twelve && c.char === ".")) {
    st.t.s = c.number(2);
    if (c.char === ".") st.t.us = c.fraction();
  }
  if (twelve) {
    st.t.h = h + c.meridian(h);
    return;
  }
  st.t.h = h;
  inlineZone(c, st);
}
