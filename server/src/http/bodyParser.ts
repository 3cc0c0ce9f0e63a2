/**
 * The JSON body parser: JSON text, then relaxed `EJSON.deserialize` (numbers become JS numbers, so
 * query and update operators work), with clear 400 errors for malformed input.
 * @packageDocumentation
 */
import { EJSON } from "bson";
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
    return EJSON.deserialize(json as Record<string, unknown>);
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
