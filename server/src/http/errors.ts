/**
 * The fastify error and not-found handlers: every failure becomes an App Services error body.
 * @packageDocumentation
 */
import type { FastifyError, FastifyInstance } from "fastify";
import { ServerError } from "../contracts.js";
import { sendError } from "./reply.js";

/** Maps an HTTP status of a framework error to an App Services error code. */
function codeForStatus(status: number): string {
  if (status === 401) return "InvalidSession";
  if (status === 404) return "NotFound";
  if (status === 413) return "RequestTooLarge";
  if (status === 415) return "BadRequest";
  if (status === 429) return "TooManyRequests";
  return "BadRequest";
}

/** Recognizes a {@link ServerError}, also across module copies (by shape). */
export function isServerError(err: unknown): err is ServerError {
  return (
    err instanceof ServerError ||
    (err instanceof Error && typeof (err as ServerError).errorCode === "string" && typeof (err as ServerError).statusCode === "number")
  );
}

/** Installs the error handler and the not-found handler. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ServerError | Error, request, reply) => {
    if (isServerError(err)) {
      if (err.statusCode >= 500) request.log.error({ err }, "server error");
      return sendError(reply, err.statusCode, err.errorCode, err.message);
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      return sendError(reply, status, codeForStatus(status), err.message);
    }
    request.log.error({ err }, "unhandled error");
    return sendError(reply, 500, "InternalServerError", "internal server error");
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 404, "NotFound", `no route for ${request.method} ${request.url.split("?")[0] ?? ""}`);
  });
}
