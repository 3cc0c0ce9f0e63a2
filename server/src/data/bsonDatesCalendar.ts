/**
 * The proleptic Gregorian calendar of MongoDB's date expressions (timelib's): the fields of a
 * local time, the day of the year, the Sunday-based week of `$week` and `%U`, and ISO 8601 weeks.
 * A local time is a count of milliseconds read as if it were UTC (the instant plus the zone's
 * offset), so JavaScript's UTC getters give its fields.
 * @packageDocumentation
 */

/** Milliseconds in a day. */
export const MS_PER_DAY = 86_400_000;

/** The largest distance of a JavaScript date from the epoch, in milliseconds (±273,790 years). */
export const MAX_DATE_MS = 8.64e15;

/** The fields of a local time. */
export interface LocalFields {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 1 (Sunday) – 7 (Saturday), as `$dayOfWeek` */
  dayOfWeek: number;
  /** 1–366 */
  dayOfYear: number;
}

/** The fields of a local time's ISO 8601 week date. */
export interface IsoWeekDate {
  isoWeekYear: number;
  /** 1–53 */
  isoWeek: number;
  /** 1 (Monday) – 7 (Sunday) */
  isoDayOfWeek: number;
}

/**
 * The local time at midnight of a calendar date; out-of-range months and days carry over as
 * timelib normalises them (month 13 is January of the next year, February 30 is March 2 or 1,
 * day 0 is the last day of the month before). Years 0–99 are years 0–99, not 1900–1999.
 * @param year - any year
 * @param month - 1–12, or beyond to carry
 * @param day - 1–31, or beyond to carry
 * @returns NaN beyond the range of a JavaScript date
 */
export function civilMs(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}

const dayNumber = (local: number): number => Math.floor(local / MS_PER_DAY);

/**
 * The fields of a local time.
 * @param local - a local time (see the file's comment)
 */
export function fieldsOf(local: number): LocalFields {
  const d = new Date(local);
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    dayOfWeek: d.getUTCDay() + 1,
    dayOfYear: dayNumber(local) - dayNumber(civilMs(year, 1, 1)) + 1,
  };
}

/**
 * MongoDB's `$week` (TimeZone::week): the week of the year, 0 for the days before the year's
 * first Sunday, each week starting on a Sunday (2024-01-06 is in week 0, 2023-01-01 in week 1).
 * @param f - the fields of a local time
 */
export function weekOfYear(f: LocalFields): number {
  return Math.trunc((f.dayOfYear - f.dayOfWeek + 7) / 7);
}

/**
 * The ISO 8601 week date of a local time: weeks start on Monday, and week 1 holds the year's
 * first Thursday (2024-12-30 is in week 1 of 2025).
 * @param local - a local time
 */
export function isoWeekDateOf(local: number): IsoWeekDate {
  const day = dayNumber(local);
  const isoDayOfWeek = ((new Date(local).getUTCDay() + 6) % 7) + 1;
  const thursday = day + 4 - isoDayOfWeek;
  const isoWeekYear = new Date(thursday * MS_PER_DAY).getUTCFullYear();
  const isoWeek = Math.floor((thursday - dayNumber(civilMs(isoWeekYear, 1, 1))) / 7) + 1;
  return { isoWeekYear, isoWeek, isoDayOfWeek };
}

/**
 * The local midnight of an ISO 8601 week date, as timelib computes it (timelib_date_from_isodate):
 * weeks and days out of range carry over (week 0 is the last week of the year before).
 * @param isoWeekYear - the ISO week-numbering year
 * @param isoWeek - the week, 1–53 or beyond
 * @param isoDayOfWeek - 1 (Monday) – 7 (Sunday), or beyond
 */
export function isoWeekDateMs(isoWeekYear: number, isoWeek: number, isoDayOfWeek: number): number {
  const january1 = civilMs(isoWeekYear, 1, 1);
  const dow = new Date(january1).getUTCDay();
  // the day before week 1's Monday, counted from January 1
  const weekZeroSunday = dow > 4 ? 7 - dow : -dow;
  return january1 + (weekZeroSunday + (isoWeek - 1) * 7 + isoDayOfWeek) * MS_PER_DAY;
}

/** True for a valid calendar date (timelib_valid_date). */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const f = fieldsOf(civilMs(year, month, day));
  return f.month === month && f.day === day;
}
