/**
 * The JSON body parser: JSON text, then canonical `EJSON.deserialize` (so a `$numberLong` beyond
 * 2^53 stays an exact Long), then one walk that turns `Int32`/`Double` wrappers and the Longs that
 * fit in 53 bits into JS numbers (so query and update operators work), with clear 400 errors for
 * malformed input, malformed Extended JSON wrappers included, and with `$regex` operators kept as
 * operators beside others (both in ejsonCheck.ts).
 * @packageDocumentation
 */
import { Double, EJSON, Int32, Long, Timestamp } from "bson";
import type { FastifyInstance } from "fastify";
import { ServerError } from "../contracts.js";
import { keepRegexOperators, malformedWrapper } from "./ejsonCheck.js";

/**
 * Parses a request body text.
 * @throws ServerError 400 `BadRequest` for malformed JSON or EJSON.
 */
export function parseEjsonText(text: string): unknown {
  if (text.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ServerError(400, "BadRequest", `malformed JSON body: ${(err as Error).message}`);
  }
  keepRegexOperators(json);
  const malformed = malformedWrapper(json);
  if (malformed !== undefined) throw new ServerError(400, "BadRequest", `malformed EJSON body: ${malformed}`);
  try {
    return promoteNumbers(EJSON.deserialize(json as Record<string, unknown>, { relaxed: false }));
  } catch (err) {
    throw new ServerError(400, "BadRequest", `malformed EJSON body: ${(err as Error).message}`);
  }
}

const MAX_SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = Long.fromNumber(Number.MIN_SAFE_INTEGER);

/** Int32 and Double wrappers, and Longs within 2^53, become JS numbers, in place (arrays and plain objects). */
function promoteNumbers(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  // a Timestamp is a Long too: it stays a Timestamp
  if (value instanceof Timestamp) return value;
  if (value instanceof Long) return value.lessThanOrEqual(MAX_SAFE) && value.greaterThanOrEqual(MIN_SAFE) ? value.toNumber() : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = promoteNumbers(value[i]);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const doc = value as Record<string, unknown>;
    for (const key of Object.keys(doc)) doc[key] = promoteNumbers(doc[key]);
  }
  return value;
}

/** Replaces fastify's JSON parser with the EJSON one (for `application/json` with any parameters). */
export function installBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseEjsonText(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
