/**
 * MongoDB's arithmetic of time units (date_time_support.cpp: dateAdd, dateDiff, truncateDate), for
 * `$dateAdd`, `$dateSubtract`, `$dateDiff` and `$dateTrunc` (bsonDatesArithmetic.ts):
 *
 * - adding days, weeks, months, quarters or years counts in the zone's local time, keeping the time
 *   of day across a change of offset; a month without the start's day ends on its last day
 *   (January 31 + 1 month = February 28 or 29); hours, minutes, seconds and milliseconds are
 *   absolute time;
 * - a difference counts the unit's boundaries crossed between the two local times (weeks from a
 *   `startOfWeek`), hours, minutes and seconds corrected by the change of offset between them;
 * - truncating counts bins of `binSize` units from 2000-01-01 in the zone (weeks from the first
 *   `startOfWeek` on or after it).
 *
 * Dates are milliseconds since the epoch; beyond ±8.64e15 (what a JavaScript Date holds) they are an
 * error, where MongoDB's dates reach ±2^63.
 * @packageDocumentation
 */
import { civilMs, fieldsOf, MAX_DATE_MS, MS_PER_DAY } from "./bsonDatesCalendar.js";
import { instantOf, offsetAt, type Zone } from "./bsonDatesZones.js";
import { mongoError } from "./errors.js";
import { INT64_MAX } from "./numberText.js";

/** MongoDB's time units (TimeUnit). */
export type TimeUnit = "year" | "quarter" | "month" | "week" | "day" | "hour" | "minute" | "second" | "millisecond";

const TIME_UNITS: readonly string[] = ["year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond"];

/**
 * True for the name of a time unit (case matters: `"Day"` is none).
 * @param name - a string
 */
export const isTimeUnit = (name: string): name is TimeUnit => TIME_UNITS.includes(name);

/** A day of the week as MongoDB's DayOfWeek numbers it: 1 (Monday) – 7 (Sunday). */
export type DayOfWeek = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The default `startOfWeek` (kStartOfWeekDefault). */
export const SUNDAY: DayOfWeek = 7;

const SATURDAY = 6;
const DAY_NAMES = new Map<string, DayOfWeek>(
  (["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const).flatMap((name, i) => [
    [name, (i + 1) as DayOfWeek],
    [name.slice(0, 3), (i + 1) as DayOfWeek],
  ]),
);

/**
 * The day of a `startOfWeek` name: `"monday"` or `"mon"`, … in any letter case (parseDayOfWeek).
 * @param name - a string
 * @returns undefined for anything else
 */
export const dayOfWeekNamed = (name: string): DayOfWeek | undefined => DAY_NAMES.get(name.replace(/[A-Z]/g, (c) => c.toLowerCase()));

/** Milliseconds in each unit of absolute time. */
const UNIT_MS: Partial<Record<TimeUnit, number>> = { hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 };

/** MongoDB's bound on an `amount` (isDateAddAmountValid): about what a 64-bit date can move by. */
const MAX_DAYS = (2n ** 64n - 1n) / 86_400_000n + 1n;
const MAX_YEARS = MAX_DAYS / 365n + 1n;
const MAX_AMOUNT: Record<Exclude<TimeUnit, "millisecond">, bigint> = {
  year: MAX_YEARS,
  quarter: MAX_YEARS * 4n,
  month: MAX_YEARS * 12n,
  week: MAX_DAYS / 7n,
  day: MAX_DAYS,
  hour: MAX_DAYS * 24n,
  minute: MAX_DAYS * 1440n,
  second: MAX_DAYS * 86_400n,
};

const inRange = (t: number): boolean => Math.abs(t) <= MAX_DATE_MS;

/** The instant of a local time, read with the offset of the start where it is one of its readings (timelib keeps the start's DST flag in a repeated hour). */
function instantNear(zone: Zone, local: number, offset: number): number {
  return offsetAt(zone, local - offset) === offset ? local - offset : instantOf(zone, local);
}

/** The number of days from a local time to the same day `months` later, its day kept or clamped to the month's last. */
function daysOverMonths(local: number, months: number): number {
  const { year, month, day } = fieldsOf(local);
  const target = civilMs(year, month + months, 1);
  const { year: y, month: m } = fieldsOf(target);
  const lastDay = fieldsOf(civilMs(y, m + 1, 0)).day;
  return (civilMs(y, m, Math.min(day, lastDay)) - civilMs(year, month, day)) / MS_PER_DAY;
}

/**
 * A date moved by a number of units (MongoDB's dateAdd): days and larger units in the zone's local
 * time, hours and smaller ones in absolute time.
 * @param t - milliseconds since the epoch
 * @param unit - the unit
 * @param amount - how many units, negative to go back
 * @param zone - the zone
 * @returns milliseconds since the epoch
 * @throws ServerError 400 `MongoDBError` "invalid dateAdd 'amount' parameter value: …" beyond MongoDB's
 * bound (5976500), "dateAdd overflowed" for a date beyond what a JavaScript Date holds
 */
export function dateAdd(t: number, unit: TimeUnit, amount: bigint, zone: Zone): number {
  if (unit !== "millisecond" && (amount <= -MAX_AMOUNT[unit] || amount >= MAX_AMOUNT[unit])) {
    throw mongoError(`invalid dateAdd 'amount' parameter value: ${amount} ${unit}`);
  }
  const n = Number(amount);
  const unitMs = UNIT_MS[unit];
  let result: number;
  if (unitMs !== undefined) {
    result = t + n * unitMs;
  } else {
    const offset = offsetAt(zone, t);
    const local = t + offset;
    const months = unit === "year" ? n * 12 : unit === "quarter" ? n * 3 : n;
    const days = unit === "week" ? n * 7 : unit === "day" ? n : daysOverMonths(local, months);
    result = instantNear(zone, local + days * MS_PER_DAY, offset);
  }
  if (!inRange(result)) throw mongoError("dateAdd overflowed");
  return result;
}

/** A local day's place in a week starting on `startOfWeek`: 0 for that day, 6 for the week's last (MongoDB's dayOfWeek). */
function weekday(local: number, startOfWeek: DayOfWeek): number {
  const isoDay = ((fieldsOf(local).dayOfWeek + 5) % 7) + 1;
  return (isoDay - startOfWeek + 7) % 7;
}

const dayNumber = (local: number): number => Math.floor(local / MS_PER_DAY);

/** The calendar units between two local times (MongoDB's dateDiffYear … dateDiffDay). */
function calendarUnits(start: number, end: number, unit: "year" | "quarter" | "month" | "week" | "day", startOfWeek: DayOfWeek): number {
  const s = fieldsOf(start);
  const e = fieldsOf(end);
  const years = e.year - s.year;
  if (unit === "year") return years;
  if (unit === "quarter") return Math.floor((e.month - 1) / 3) - Math.floor((s.month - 1) / 3) + years * 4;
  if (unit === "month") return e.month - s.month + years * 12;
  const days = dayNumber(end) - dayNumber(start);
  if (unit === "day") return days;
  return Math.trunc((days + weekday(start, startOfWeek) - weekday(end, startOfWeek)) / 7);
}

/**
 * The number of unit boundaries from one date to another in a zone (MongoDB's dateDiff).
 * @param start - milliseconds since the epoch
 * @param end - milliseconds since the epoch
 * @param unit - the unit
 * @param zone - the zone
 * @param startOfWeek - the first day of a week
 * @returns negative when `end` is before `start` (exact: milliseconds apart can pass 2^53)
 */
export function dateDiff(start: number, end: number, unit: TimeUnit, zone: Zone, startOfWeek: DayOfWeek): bigint {
  if (unit === "millisecond") return BigInt(end) - BigInt(start);
  const startOffset = offsetAt(zone, start);
  const endOffset = offsetAt(zone, end);
  const localStart = start + startOffset;
  const localEnd = end + endOffset;
  const unitMs = UNIT_MS[unit];
  if (unitMs === undefined) return BigInt(calendarUnits(localStart, localEnd, unit as "day", startOfWeek));
  // the local count, corrected by the change of offset in whole units (as timelib's offsets in seconds divide)
  const local = Math.floor(localEnd / unitMs) - Math.floor(localStart / unitMs);
  return BigInt(local + Math.trunc((startOffset - endOffset) / unitMs));
}

/** The reference of `$dateTrunc`'s bins: 2000-01-01 in the zone, for weeks the first `startOfWeek` on or after it. */
function referencePoint(zone: Zone, unit: TimeUnit, startOfWeek: DayOfWeek): { t: number; local: number } {
  const utc = Date.UTC(2000, 0, 1);
  let t = utc - offsetAt(zone, utc);
  let local = utc;
  if (unit === "week") {
    const days = (7 - ((SATURDAY - startOfWeek + 7) % 7)) % 7;
    t += days * MS_PER_DAY;
    local += days * MS_PER_DAY;
  }
  return { t, local };
}

/** The distance of a value above the lower bound of its bin. */
function intoBin(value: bigint, binSize: bigint): bigint {
  const remainder = value % binSize;
  return remainder < 0n ? remainder + binSize : remainder;
}

/**
 * The start of the bin of `binSize` units a date falls in (MongoDB's truncateDate).
 * @param t - milliseconds since the epoch
 * @param unit - the unit
 * @param binSize - units in a bin, at least 1
 * @param zone - the zone
 * @param startOfWeek - the first day of a week
 * @returns milliseconds since the epoch
 * @throws ServerError 400 `MongoDBError` "dateTrunc overflowed", "dateTrunc unsupported binSize
 * value" for more than 100,000,000,000 days or larger units, dateAdd's errors for the bin's start
 */
export function truncateDate(t: number, unit: TimeUnit, binSize: bigint, zone: Zone, startOfWeek: DayOfWeek): number {
  const reference = referencePoint(zone, unit, startOfWeek);
  const unitMs = UNIT_MS[unit];
  if (unitMs !== undefined) {
    const binMs = binSize * BigInt(unitMs);
    if (binMs > INT64_MAX) throw mongoError("dateTrunc overflowed");
    const result = Number(BigInt(t) - intoBin(BigInt(t - reference.t), binMs));
    if (!inRange(result)) throw mongoError("dateTrunc overflowed");
    return result;
  }
  if (binSize > 100_000_000_000n) throw mongoError("dateTrunc unsupported binSize value");
  const distance = BigInt(calendarUnits(reference.local, t + offsetAt(zone, t), unit as "day", startOfWeek));
  return dateAdd(reference.t, unit, distance - intoBin(distance, binSize), zone);
}
