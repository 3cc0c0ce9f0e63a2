/** The SSE framing of watch streams (protocol reference §4.2 and §5.1). */
import { EJSON } from "bson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { RealmTabsError, WatchError } from "../../src/protocol/errors.js";
import { startTestServer } from "../../test/worker-kit.js";
import { decodeFrame, runStream, unescapeData, watchRequestBody, watchUrl } from "./sse.js";

describe("watch SSE", () => {
  it("builds realm-web's baas_request (base64 of plain JSON, then percent-encoded)", () => {
    const spec = { service: "mongodb-atlas", database: "d", collection: "c", idsEJSON: '[{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}]' };
    expect(watchRequestBody(spec)).toBe(
      '{"name":"watch","arguments":[{"database":"d","collection":"c","ids":[{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}]}],"service":"mongodb-atlas"}',
    );
    const url = new URL(watchUrl("http://h", "app", { ...spec, idsEJSON: undefined, filterEJSON: '{"x":"é"}' }));
    expect(url.pathname).toBe("/api/client/v2.0/app/app/functions/call");
    const body = new TextDecoder().decode(Uint8Array.from(atob(url.searchParams.get("baas_request")!), (ch) => ch.charCodeAt(0)));
    expect(JSON.parse(body)).toEqual({
      name: "watch",
      arguments: [{ database: "d", collection: "c", filter: { x: "é" } }],
      service: "mongodb-atlas",
    });
  });

  it("un-escapes only %25, %0A and %0D", () => {
    expect(unescapeData("a%0Ab%0Dc%25d%20e")).toBe("a\nb\rc%d%20e");
    expect(unescapeData("%2525")).toBe("%25");
  });

  it("decodes events to canonical EJSON, ignores other types, and turns error frames into WatchError", () => {
    expect(decodeFrame(undefined, '{"operationType":"insert","n":1}')).toBe('{"operationType":"insert","n":{"$numberInt":"1"}}');
    expect(decodeFrame("message", '{"s":"50%25"}')).toBe('{"s":"50%"}');
    expect(decodeFrame("ping", "x")).toBeNull();
    expect(() => decodeFrame("error", '{"error_code":"InvalidSession","error":"gone"}')).toThrow(
      expect.objectContaining({ code: "InvalidSession", message: "gone" }),
    );
    expect(() => decodeFrame("error", "not json")).toThrow(expect.objectContaining({ code: "unknown", message: "not json" }));
    expect(() => decodeFrame(undefined, "[1]")).toThrow(WatchError);
    expect(() => decodeFrame(undefined, "{")).toThrow(expect.objectContaining({ code: "bad bson parse" }));
  });

  it("names errors and malformed events as realm-web 2.0.1's WatchStream does", () => {
    // an error frame gives the server's code and message only when both are strings
    for (const data of [
      '{"error_code":"BadRequest"}',
      '{"error":":("}',
      '{"error_code":1,"error":"x"}',
      '{"error_code":"X","error":2}',
      "null",
    ]) {
      expect(() => decodeFrame("error", data)).toThrow(expect.objectContaining({ code: "unknown", message: data }));
    }
    for (const data of ["{", "[1]", "3", "null"]) {
      expect(() => decodeFrame(undefined, data)).toThrow(
        expect.objectContaining({ code: "bad bson parse", message: `server returned malformed event: ${data}` }),
      );
    }
  });
});

describe("a watch connection against the server", () => {
  const APP = "sse-app";
  let server: RunningServer;
  let token: string;
  const spec = { service: "mongodb-atlas", database: "sse", collection: "items" };
  const insert = async (doc: Record<string, unknown>): Promise<void> => {
    const res = await fetch(`${server.url}/api/client/v2.0/app/${APP}/functions/call`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "insertOne",
        service: "mongodb-atlas",
        arguments: [{ database: "sse", collection: "items", document: doc }],
      }),
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    server = await startTestServer(APP);
    const res = await fetch(`${server.url}/api/client/v2.0/app/${APP}/auth/providers/anon-user/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ options: {} }),
      signal: AbortSignal.timeout(5000),
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => server.close());

  it("hands on each event's id, and with Last-Event-ID gets the events it missed", async () => {
    const first = new AbortController();
    const seen: { ejson: string; id: string | undefined }[] = [];
    let opened = false;
    const done = runStream({
      url: watchUrl(server.url, APP, spec),
      token,
      fetch,
      signal: first.signal,
      connectTimeoutMs: 5000,
      onOpen: () => {
        opened = true;
      },
      onEvent: (ejson, id) => seen.push({ ejson, id }),
    });
    await expect.poll(() => opened).toBe(true);
    await insert({ _id: 1 });
    await expect.poll(() => seen.length).toBe(1);
    first.abort();
    await done;
    await insert({ _id: 2 });
    await insert({ _id: 3 });
    const resumed = new AbortController();
    const ids: unknown[] = [];
    const again = runStream({
      url: watchUrl(server.url, APP, spec),
      token,
      fetch,
      signal: resumed.signal,
      connectTimeoutMs: 5000,
      lastEventId: seen[0]!.id!,
      onOpen: () => undefined,
      onEvent: (ejson) => ids.push((EJSON.parse(ejson) as { documentKey: { _id: unknown } }).documentKey._id),
    });
    await expect.poll(() => ids).toEqual([2, 3]);
    resumed.abort();
    await again;
  });

  it("a connection that goes silent (a network black hole) fails as a network error after the idle deadline", async () => {
    // forwards the real stream's first bytes, then nothing: heartbeats no longer arrive
    const blackHole = async (input: string, init: RequestInit): Promise<Response> => {
      const res = await fetch(input, init);
      let forwarded = false;
      const frozen = res.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            if (!forwarded) controller.enqueue(chunk);
            forwarded = true;
          },
        }),
      );
      return new Response(frozen, { status: res.status, headers: res.headers });
    };
    const signal = new AbortController();
    const started = Date.now();
    const err = await runStream({
      url: watchUrl(server.url, APP, spec),
      token,
      fetch: blackHole,
      signal: signal.signal,
      connectTimeoutMs: 5000,
      idleTimeoutMs: 500,
      onOpen: () => undefined,
      onEvent: () => undefined,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RealmTabsError);
    expect((err as RealmTabsError).code).toBe("network");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
