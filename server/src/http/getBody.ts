/**
 * The body of a GET request, which fastify leaves unread: App Services' own examples send one
 * (`curl -X GET … -d '{…}'` to a custom endpoint, and to the Data API's `findOne`).
 * @packageDocumentation
 */
import type { FastifyRequest } from "fastify";
import { ServerError } from "../contracts.js";

/**
 * Reads the body fastify did not (a GET's), up to a limit.
 * @param request - the request
 * @param limit - the most bytes to accept
 * @returns the bytes, or undefined when the request announces no body
 * @throws ServerError 413 `RequestTooLarge` over the limit; 400 `BadRequest` if it breaks off
 */
export async function readGetBody(request: FastifyRequest, limit: number): Promise<Buffer | undefined> {
  const length = Number(request.headers["content-length"] ?? 0);
  const chunked = /chunked/i.test(String(request.headers["transfer-encoding"] ?? ""));
  if (!chunked && !(length > 0)) return undefined;
  if (length > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request.raw) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(bytes);
    }
  } catch (err) {
    if (err instanceof ServerError) throw err;
    throw new ServerError(400, "BadRequest", `the request body broke off: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ServerError {
  // Node drops what is left of the body once the answer is sent
  return new ServerError(413, "RequestTooLarge", `the request body is larger than ${limit} bytes`);
}
