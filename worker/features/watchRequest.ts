/**
 * Validation of a tab's watch request. It runs in the watch module the worker loads on first use
 * (features/watches.ts), after which the request is checked before any stream is opened.
 * @packageDocumentation
 */
import { nonEmptyString, watchSelector } from "../../src/protocol/args.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { WatchRequest } from "../../src/protocol/rpc.js";

function parseEJSONText(value: unknown, what: string, want: "array" | "object"): string {
  const text = nonEmptyString(value, what);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new RealmTabsError("invalid-argument", `${what} is not valid EJSON`, { retryable: false });
  }
  const ok = want === "array" ? Array.isArray(v) : typeof v === "object" && v !== null && !Array.isArray(v);
  if (!ok)
    throw new RealmTabsError("invalid-argument", `${what} must encode ${want === "array" ? "an array" : "a document"}`, {
      retryable: false,
    });
  return text;
}

/** Validates a watch request. @throws {RealmTabsError} `invalid-argument` */
export function parseWatchRequest(value: unknown): WatchRequest {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  watchSelector(v.idsEJSON, v.filterEJSON);
  return {
    service: nonEmptyString(v.service, "service"),
    database: nonEmptyString(v.database, "database"),
    collection: nonEmptyString(v.collection, "collection"),
    ...(v.idsEJSON === undefined ? {} : { idsEJSON: parseEJSONText(v.idsEJSON, "ids", "array") }),
    ...(v.filterEJSON === undefined ? {} : { filterEJSON: parseEJSONText(v.filterEJSON, "filter", "object") }),
  };
}
