/**
 * The JSON body parser: JSON text, then canonical `EJSON.deserialize` (so a `$numberLong` beyond
 * 2^53 stays an exact Long), then one BSON round trip that turns `Int32`/`Double` wrappers and the
 * Longs that fit in 53 bits into JS numbers (so query and update operators work), with clear 400
 * errors for malformed input.
 * @packageDocumentation
 */
import { BSON, EJSON } from "bson";
import type { FastifyInstance } from "fastify";
import { ServerError } from "../contracts.js";

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
  try {
    const value = EJSON.deserialize(json as Record<string, unknown>, { relaxed: false }) as unknown;
    if (value === null || typeof value !== "object") return value;
    return BSON.deserialize(BSON.serialize({ v: value }, { ignoreUndefined: true })).v as unknown;
  } catch (err) {
    throw new ServerError(400, "BadRequest", `malformed EJSON body: ${(err as Error).message}`);
  }
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
