/**
 * Test support: opens a watch stream (`GET functions/call?baas_request=…`) with fetch and parses
 * its server-sent events, comments included.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { TestClient } from "./testClient.js";

/** An open watch stream. */
export interface WatchConnection {
  response: Response;
  /** Data and error frames received, in order. */
  messages: EventSourceMessage[];
  /** Comment lines received (`stream open`, `heartbeat`). */
  comments: string[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  isEnded(): boolean;
  close(): void;
}

/** Options of {@link openWatch}. */
export interface OpenWatchOptions {
  token: string;
  service?: string;
  lastEventId?: string;
}

/**
 * Opens a watch stream on `database.collection` with the given `ids`/`filter`.
 * @throws Error (TimeoutError) if the headers do not come within 10 s
 */
export async function openWatch(c: TestClient, args: Record<string, unknown>, o: OpenWatchOptions): Promise<WatchConnection> {
  const body = JSON.stringify({
    name: "watch",
    arguments: [EJSON.serialize(args, { relaxed: false })],
    service: o.service ?? "mongodb-atlas",
  });
  const request = Buffer.from(body).toString("base64");
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream", authorization: `Bearer ${o.token}` };
  if (o.lastEventId !== undefined) headers["last-event-id"] = o.lastEventId;
  const timer = setTimeout(() => controller.abort(new Error("no watch headers within 10 s")), 10_000);
  const response = await fetch(`${c.api}${c.app(`/functions/call?baas_request=${encodeURIComponent(request)}`)}`, {
    headers,
    signal: controller.signal,
  });
  clearTimeout(timer);
  const messages: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m), onComment: (text) => comments.push(text.trim()) });
  let done = false;
  const ended = (async () => {
    if (!response.ok || response.body === null) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done: finished } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (finished) return;
      parser.feed(value);
    }
  })().finally(() => (done = true));
  return { response, messages, comments, ended, isEnded: () => done, close: () => controller.abort() };
}

/** The change events (data frames) of a stream, decoded. */
export function changeEvents(w: WatchConnection): Record<string, unknown>[] {
  return w.messages
    .filter((m) => m.event === undefined || m.event === "message")
    .map((m) => EJSON.parse(unescapeData(m.data)) as Record<string, unknown>);
}

/** The error frames of a stream, decoded. */
export function errorFrames(w: WatchConnection): { error_code: string; error: string }[] {
  return w.messages
    .filter((m) => m.event === "error")
    .map((m) => JSON.parse(unescapeData(m.data)) as { error_code: string; error: string });
}

/** Undoes the server's `%25 %0A %0D` escaping. */
export function unescapeData(data: string): string {
  return data.replace(/%(25|0A|0D)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
