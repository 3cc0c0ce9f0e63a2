/**
 * The argument rules both sides apply: the tab checks before it sends (so a bad argument fails at
 * once, with a message about the call the app made), the runtime checks again what arrives (any
 * script of the origin can call it). One copy of each rule, so the two checks cannot disagree.
 * Every failure is a `RealmTabsError` with code `invalid-argument`, never retryable. The rules of
 * the API-key and email/password calls are in accountArgs.ts (both sides load them on first use).
 * @packageDocumentation
 */
import { RealmTabsError } from "./errors.js";

/** The error every rule throws: `invalid-argument`, not retryable. */
export function invalid(message: string): RealmTabsError {
  return new RealmTabsError("invalid-argument", message, { retryable: false });
}

/**
 * A non-empty string.
 * @param what - names the argument in the error message
 * @throws {RealmTabsError} `invalid-argument` for anything else
 */
export function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) throw invalid(`${what} must be a non-empty string`);
  return value;
}

/**
 * A watch selects change events by document `ids` or by a `filter`, not both (either may be absent).
 * @throws {RealmTabsError} `invalid-argument` when both are given
 */
export function watchSelector(ids: unknown, filter: unknown): void {
  if (ids !== undefined && filter !== undefined) throw invalid("watch takes ids or filter, not both");
}
