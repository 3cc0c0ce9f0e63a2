/**
 * One server watch stream: `GET functions/call?baas_request=…` with `Accept: text/event-stream`,
 * parsed with `eventsource-parser`. Data lines are un-escaped (`%25 %0A %0D`) as realm-web does and
 * each change event is handed on as canonical EJSON with its SSE id, which a reconnection sends back
 * as `Last-Event-ID` to resume after it. A stream silent for longer than the idle deadline (the
 * server sends heartbeat comments) counts as broken.
 * @packageDocumentation
 */
import { canonicalFromJSON, isEJSONValue } from "./ejson.js";
import { createParser } from "eventsource-parser";
import { RealmTabsError, WatchError } from "../../src/protocol/errors.js";
import { isMongoDBRealmError, isRealmTabsError, isWatchError } from "../../src/protocol/encodeError.js";
import type { FetchLike } from "./deps.js";
import { API_PATH, errorFromResponse } from "./transport.js";

/** What a watch stream listens to. */
export interface WatchSpec {
  service: string;
  database: string;
  collection: string;
  /** Canonical EJSON of the `ids` array, if any. */
  idsEJSON?: string;
  /** Canonical EJSON of the `filter` document, if any. */
  filterEJSON?: string;
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The `baas_request` body of a watch, as realm-web builds it (plain JSON of canonical arguments). */
export function watchRequestBody(spec: WatchSpec): string {
  const arg =
    `{"database":${JSON.stringify(spec.database)},"collection":${JSON.stringify(spec.collection)}` +
    `${spec.idsEJSON === undefined ? "" : `,"ids":${spec.idsEJSON}`}${spec.filterEJSON === undefined ? "" : `,"filter":${spec.filterEJSON}`}}`;
  return `{"name":"watch","arguments":[${arg}],"service":${JSON.stringify(spec.service)}}`;
}

/** The URL of a watch stream below `hostname`. */
export function watchUrl(hostname: string, appId: string, spec: WatchSpec): string {
  return `${hostname}${API_PATH}/app/${encodeURIComponent(appId)}/functions/call?baas_request=${encodeURIComponent(base64Utf8(watchRequestBody(spec)))}`;
}

/** Un-escapes the three sequences the server escapes in SSE data (any other `%xx` stays). */
export function unescapeData(data: string): string {
  return data.replace(/%(25|0A|0D)/g, (_m, c: string) => (c === "25" ? "%" : c === "0A" ? "\n" : "\r"));
}

/** Turns one SSE frame into canonical EJSON of a change event, or throws a {@link WatchError}. */
export function decodeFrame(event: string | undefined, rawData: string): string | null {
  const data = unescapeData(rawData);
  if (event === "error") {
    // as realm-web 2.0.1: the server's `error_code` and `error` when both are strings, else "unknown" and the data
    let code: unknown;
    let error: unknown;
    try {
      ({ error_code: code, error } = JSON.parse(data) as { error_code?: unknown; error?: unknown });
    } catch {
      // not JSON, or null: the data as it came
    }
    throw typeof code === "string" && typeof error === "string" ? new WatchError(code, error) : new WatchError("unknown", data);
  }
  if (event !== undefined && event !== "" && event !== "message") return null;
  let doc: unknown;
  try {
    doc = JSON.parse(data);
  } catch {
    // realm-web's message
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || isEJSONValue(doc))
    throw new WatchError("bad bson parse", `server returned malformed event: ${data}`);
  try {
    return canonicalFromJSON(doc);
  } catch {
    throw new WatchError("bad bson parse", "The change event is nested too deeply");
  }
}

/** Options of {@link runStream}. */
export interface StreamOptions {
  url: string;
  token: string;
  fetch: FetchLike;
  signal: AbortSignal;
  /** Deadline for the response headers. */
  connectTimeoutMs: number;
  /** A stream that receives nothing (not even a heartbeat) for this long is broken. */
  idleTimeoutMs?: number;
  /** The id of the last event received on an earlier connection: the server resumes after it. */
  lastEventId?: string;
  /** Called once the server answered 200. */
  onOpen(): void;
  /** A change event, with its SSE id (its resume point) when the server sent one. */
  onEvent(ejson: string, id?: string): void;
}

/**
 * Runs one connection until the server ends it (resolves) or it fails (rejects with
 * `MongoDBRealmError` for a non-2xx answer, `WatchError`, or `RealmTabsError("network")`).
 * Resolves quietly when `signal` aborts.
 */
export async function runStream(o: StreamOptions): Promise<void> {
  const headers: Record<string, string> = { Authorization: `Bearer ${o.token}`, Accept: "text/event-stream" };
  if (o.lastEventId !== undefined) headers["Last-Event-ID"] = o.lastEventId;
  // the deadline covers the headers only: aborting a fetch's signal later would also error its body
  const connect = new AbortController();
  const timer = setTimeout(
    () => connect.abort(new RealmTabsError("timeout", `no answer to the watch request in ${o.connectTimeoutMs} ms`)),
    o.connectTimeoutMs,
  );
  const forward = (): void => connect.abort(o.signal.reason);
  o.signal.addEventListener("abort", forward, { once: true });
  if (o.signal.aborted) forward();
  let response: Response;
  try {
    response = await o.fetch(o.url, { method: "GET", headers, signal: connect.signal });
  } catch (e) {
    if (o.signal.aborted) return;
    const timedOut = connect.signal.aborted;
    throw new RealmTabsError(
      timedOut ? "timeout" : "network",
      `watch stream failed: ${timedOut ? `no headers in ${o.connectTimeoutMs} ms` : ((e as Error)?.message ?? String(e))}`,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => "");
    throw errorFromResponse("GET", o.url, response, text);
  }
  o.onOpen();
  let failure: unknown = null;
  const parser = createParser({
    onEvent: (m) => {
      if (failure) return;
      try {
        const ejson = decodeFrame(m.event, m.data);
        if (ejson !== null) o.onEvent(ejson, m.id);
      } catch (e) {
        failure = e;
      }
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = (): void => {
    reader.cancel().catch(() => undefined);
  };
  o.signal.addEventListener("abort", cancel, { once: true });
  let silent = false;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const armIdle = (): void => {
    if (o.idleTimeoutMs === undefined) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      silent = true;
      cancel();
    }, o.idleTimeoutMs);
  };
  try {
    armIdle();
    for (;;) {
      const { done, value } = await reader.read();
      if (o.signal.aborted) return;
      if (silent) throw new RealmTabsError("network", `watch stream silent for ${o.idleTimeoutMs} ms`);
      if (done) return;
      armIdle();
      parser.feed(value);
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows what onEvent caught, unchanged
      if (failure) throw failure;
    }
  } catch (e) {
    if (o.signal.aborted) return;
    if (isWatchError(e) || isMongoDBRealmError(e) || isRealmTabsError(e)) throw e;
    throw new RealmTabsError("network", `watch stream broke: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  } finally {
    clearTimeout(idle);
    o.signal.removeEventListener("abort", cancel);
    cancel();
  }
}
