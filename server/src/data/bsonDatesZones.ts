/**
 * Time zones as MongoDB's date expressions read them (TimeZoneDatabase::getTimeZone): `"UTC"`, an
 * Olson identifier (`"America/New_York"`, `"Etc/GMT+5"`, `"GMT"`) with the offset in effect at each
 * instant, daylight saving time included, or a fixed offset `"±HH"`, `"±HHMM"`, `"±HH:MM"`. Olson
 * zones come from Node's Intl and its ICU time zone data.
 * @packageDocumentation
 */
import { civilMs, MAX_DATE_MS } from "./bsonDatesCalendar.js";
import { mongoError } from "./errors.js";

/** A time zone: UTC, a fixed offset (milliseconds east of UTC), or an Olson zone. */
export type Zone =
  | { readonly kind: "utc" }
  | { readonly kind: "offset"; readonly offsetMs: number }
  | { readonly kind: "olson"; readonly name: string; readonly format: Intl.DateTimeFormat };

/** UTC, the zone of a date expression without `timezone`. */
export const UTC_ZONE: Zone = { kind: "utc" };

/** ±HH, ±HHMM, ±HH:MM (TimeZoneDatabase::parseUtcOffset). */
const UTC_OFFSET = /^([+-])(\d\d)(?:(\d\d)|:(\d\d))?$/;
/** The zones read so far (at most a few thousand: Olson names and offsets). */
const zones = new Map<string, Zone>();
const MAX_CACHED = 50_000;

/**
 * The zone of a `timezone` argument.
 * @param id - an Olson identifier (case matters, as in MongoDB) or a UTC offset
 * @throws ServerError 400 `MongoDBError` "unrecognized time zone identifier" (MongoDB's 40485)
 */
export function timeZone(id: string): Zone {
  if (id === "UTC") return UTC_ZONE;
  const known = zones.get(id);
  if (known) return known;
  const zone = olsonZone(id) ?? offsetZone(id);
  if (!zone) throw mongoError(`unrecognized time zone identifier: "${id}"`);
  if (zones.size < MAX_CACHED) zones.set(id, zone);
  return zone;
}

function offsetZone(id: string): Zone | undefined {
  const m = UTC_OFFSET.exec(id);
  if (!m) return undefined;
  const sign = m[1] === "-" ? -1 : 1;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? m[4] ?? 0);
  // an offset of zero is UTC itself (TimeZone::isUtcZone)
  return minutes === 0 ? UTC_ZONE : { kind: "offset", offsetMs: sign * minutes * 60_000 };
}

function olsonZone(id: string): Zone | undefined {
  if (!/^[A-Za-z]/.test(id)) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: id,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  // ICU accepts any letter case; MongoDB's names are case-sensitive ("america/new_york" is unknown)
  const resolved = format.resolvedOptions().timeZone;
  if (resolved !== id && resolved.toLowerCase() === id.toLowerCase()) return undefined;
  return { kind: "olson", name: id, format };
}

/**
 * True for UTC itself: `"UTC"` or a zero offset, not `"GMT"` or `"Etc/UTC"` (TimeZone::isUtcZone).
 * @param zone - a zone
 */
export const isUtcZone = (zone: Zone): boolean => zone.kind === "utc";

/**
 * The zone's offset from UTC at an instant, in milliseconds (whole seconds: local mean times
 * before standard time have offsets such as -4:56:02).
 * @param zone - a zone
 * @param t - an instant, milliseconds since the epoch
 * @returns NaN for an Olson zone at an instant beyond the range of a date (±8.64e15 ms, where
 * Intl has no answer), so that a result computed from it is out of range too
 */
export function offsetAt(zone: Zone, t: number): number {
  if (zone.kind === "utc") return 0;
  if (zone.kind === "offset") return zone.offsetMs;
  if (!(Math.abs(t) <= MAX_DATE_MS)) return NaN;
  const f: Record<string, string> = {};
  for (const { type, value } of zone.format.formatToParts(t)) f[type] = value;
  const year = f.era === "BC" ? 1 - Number(f.year) : Number(f.year);
  const local = civilMs(year, Number(f.month), Number(f.day)) + ((Number(f.hour) * 60 + Number(f.minute)) * 60 + Number(f.second)) * 1000;
  return local - Math.floor(t / 1000) * 1000;
}

/**
 * The instant of a local time in a zone. A local time a change of offset skips (a spring-forward
 * gap) or repeats (a fall-back overlap) is resolved as timelib resolves it: the offset in effect
 * at the local time read as UTC, or the one after it.
 * @param zone - a zone
 * @param local - a local time (see bsonDatesCalendar.ts)
 * @returns NaN (as a fixed offset gives a number out of range) when the instant is beyond the
 * range of a date; the caller reports it with its own out-of-range error
 */
export function instantOf(zone: Zone, local: number): number {
  if (zone.kind === "utc") return local;
  if (zone.kind === "offset") return local - zone.offsetMs;
  // a local time just past an end of the range may still be an instant within it: the first
  // guess of its offset is read at that end
  const guess = offsetAt(zone, Math.min(Math.max(local, -MAX_DATE_MS), MAX_DATE_MS));
  const first = local - guess;
  const actual = offsetAt(zone, first);
  if (actual === guess) return first;
  const second = local - actual;
  if (offsetAt(zone, second) === actual) return second;
  // in a gap: the later of the two readings, with the offset from before the change
  return Math.max(first, second);
}
