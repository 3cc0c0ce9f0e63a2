/**
 * The two arguments of an HTTPS endpoint's function, as App Services documents them: the `Request`
 * (`headers`, `query`, and `body` as a `BSON.Binary`, undefined without a body) and the `Response`
 * (`setStatusCode`, `setBody`, `setHeader`, `addHeader`), whose state the runner reads once the
 * function has finished.
 * @packageDocumentation
 */
import { Binary } from "bson";
import type { EndpointRequest, EndpointResponseState } from "../contracts.js";
import { defineOwn } from "../data/bsonValues.js";

/** The endpoint function's `Request` argument. */
export interface FunctionEndpointRequest {
  headers: Record<string, string[]>;
  query: Record<string, string>;
  body: Binary | undefined;
}

/** Headers the server manages itself; a function may not set them. */
const MANAGED_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer"]);
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A header value: visible characters, spaces and tabs (no CR or LF, which would split the response). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function headerName(name: unknown, method: string): string {
  if (typeof name !== "string" || !HEADER_NAME.test(name))
    throw new TypeError(`${method}: the header name must be a valid HTTP header name`);
  if (MANAGED_HEADERS.has(name.toLowerCase())) throw new TypeError(`${method}: the ${name} header is set by the server`);
  return name;
}

function headerValue(value: unknown, method: string): string {
  const text = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  if (typeof text !== "string" || !HEADER_VALUE.test(text)) {
    throw new TypeError(`${method}: the header value must be a string without line breaks`);
  }
  return text;
}

/** The endpoint function's `Response` argument. */
export class EndpointResponse {
  #statusCode: number | undefined;
  #body: Uint8Array | undefined;
  /** By lower-case name: the name as first written, and the values. */
  readonly #headers = new Map<string, { name: string; values: string[] }>();

  /**
   * Sets the HTTP status.
   * @param code - an integer from 200 to 599 (an informational 1xx status is not a final answer)
   * @throws TypeError for anything else
   */
  setStatusCode(code: unknown): void {
    if (typeof code !== "number" || !Number.isInteger(code) || code < 200 || code > 599) {
      throw new TypeError("setStatusCode: the status code must be an integer from 200 to 599");
    }
    this.#statusCode = code;
  }

  /**
   * Sets the body.
   * @param body - a string (sent as UTF-8) or a `BSON.Binary`
   * @throws TypeError for anything else
   */
  setBody(body: unknown): void {
    if (typeof body === "string") this.#body = Buffer.from(body, "utf8");
    else if (body instanceof Binary) this.#body = body.buffer.subarray(0, body.position);
    else throw new TypeError("setBody: the body must be a string or a BSON.Binary");
  }

  /**
   * Sets a header, replacing its values.
   * @param name - the header's name
   * @param value - its value (a string; a number or boolean is written as text)
   * @throws TypeError for an invalid name or value, or a header the server sets itself
   */
  setHeader(name: unknown, value: unknown): void {
    const key = headerName(name, "setHeader");
    this.#headers.set(key.toLowerCase(), { name: key, values: [headerValue(value, "setHeader")] });
  }

  /**
   * Adds a value to a header.
   * @param name - the header's name
   * @param value - the value to add (a string; a number or boolean is written as text)
   * @throws TypeError for an invalid name or value, or a header the server sets itself
   */
  addHeader(name: unknown, value: unknown): void {
    const key = headerName(name, "addHeader");
    const text = headerValue(value, "addHeader");
    const entry = this.#headers.get(key.toLowerCase());
    if (entry === undefined) this.#headers.set(key.toLowerCase(), { name: key, values: [text] });
    else entry.values.push(text);
  }

  /** What was set, for the server to send. */
  state(): EndpointResponseState {
    const headers: Record<string, string[]> = {};
    for (const { name, values } of this.#headers.values()) defineOwn(headers, name, [...values]);
    return {
      ...(this.#statusCode === undefined ? {} : { statusCode: this.#statusCode }),
      headers,
      ...(this.#body === undefined ? {} : { body: this.#body }),
    };
  }
}

/**
 * The function's two arguments for a request.
 * @param request - the request as the server received it
 * @returns the `Request` and `Response` objects
 */
export function endpointArguments(request: EndpointRequest): { request: FunctionEndpointRequest; response: EndpointResponse } {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.headers)) defineOwn(headers, name, [...values]);
  return {
    request: {
      headers,
      query: { ...request.query },
      body: request.body === undefined ? undefined : new Binary(request.body),
    },
    response: new EndpointResponse(),
  };
}
