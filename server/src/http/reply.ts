/**
 * Response helpers: canonical EJSON success bodies and App Services error bodies.
 * @packageDocumentation
 */
import type { FastifyReply } from "fastify";
import { canonicalEjson } from "../data/canonicalEjson.js";

/** Where the `link` field of error bodies points. */
export const ERROR_LINK = "http://127.0.0.1/realm-tabs-server/logs";

/** An App Services error body. */
export interface ErrorBody {
  error: string;
  error_code: string;
  link: string;
}

/** Builds an error body. */
export function errorBody(errorCode: string, message: string): ErrorBody {
  return { error: message, error_code: errorCode, link: ERROR_LINK };
}

/** Sends a value as canonical EJSON with `Content-Type: application/json`. */
export function sendEjson(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  return sendJsonText(reply, status, canonicalEjson(value));
}

/** Sends plain JSON (for the admin API) with `Content-Type: application/json`. */
export function sendPlainJson(reply: FastifyReply, value: unknown, status = 200): FastifyReply {
  return sendJsonText(reply, status, JSON.stringify(value ?? null));
}

// A Buffer payload keeps the content type exactly as set (a string would get `; charset=utf-8`).
function sendJsonText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header("content-type", "application/json").send(Buffer.from(text, "utf8"));
}

/** Sends an error body (`application/json` without charset, as realm-core requires). */
export function sendError(reply: FastifyReply, status: number, errorCode: string, message: string): FastifyReply {
  return sendJsonText(reply, status, JSON.stringify(errorBody(errorCode, message)));
}
