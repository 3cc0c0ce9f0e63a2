/**
 * Requests Node cannot parse as HTTP (a malformed request line or header, headers over the size
 * limit, a request that timed out while arriving) are answered, before any route, with an App
 * Services error body, as every other malformed request is.
 * @packageDocumentation
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "./reply.js";

/** The status, App Services error code and message for a Node client error code. */
function describe(code: string | undefined): [number, string, string] {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return [408, "RequestTimeout", "the request did not arrive in time"];
  if (code === "HPE_HEADER_OVERFLOW") return [431, "BadRequest", "the request's headers are too large"];
  return [400, "BadRequest", `malformed HTTP request${code === undefined ? "" : ` (${code})`}`];
}

/**
 * Fastify's `clientErrorHandler`: writes the error body on the socket, then closes it.
 * @param err - the parse error (its `code`, e.g. `HPE_INVALID_METHOD`)
 * @param socket - the client's socket
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // a reset connection is gone: nothing to answer
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, errorCode, message] = describe(err.code);
  const body = JSON.stringify(errorBody(errorCode, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
