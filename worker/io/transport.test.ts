import { describe, expect, it, vi } from "vitest";
import { isMongoDBRealmError, isRealmTabsError } from "../../src/protocol/encodeError.js";
import type { FetchLike } from "./deps.js";
import { MAX_REQUEST_TIMEOUT_MS, createTransport, errorFromResponse } from "./transport.js";

type Seen = { url: string; method: string; headers: Record<string, string>; body: unknown };

/** A fetch answering from a queue of Responses (or errors), recording every request. */
function queueFetch(answers: (Response | Error)[]): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init) => {
    seen.push({ url, method: String(init.method), headers: { ...(init.headers as Record<string, string>) }, body: init.body });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, seen };
}

const json = (body: unknown, status = 200, statusText = "OK") =>
  new Response(JSON.stringify(body), { status, statusText, headers: { "content-type": "application/json" } });

describe("errorFromResponse", () => {
  it("reads error, error_code and link, with realm-web's message", () => {
    const res = json({ error: "invalid session", error_code: "InvalidSession", link: "http://l" }, 401, "Unauthorized");
    const e = errorFromResponse("POST", "http://h/x", res, '{"error":"invalid session","error_code":"InvalidSession","link":"http://l"}');
    expect(e).toMatchObject({
      statusCode: 401,
      statusText: "Unauthorized",
      error: "invalid session",
      errorCode: "InvalidSession",
      link: "http://l",
    });
    expect(e.message).toBe("Request failed (POST http://h/x): invalid session (status 401 Unauthorized)");
  });

  it("leaves the fields undefined for a body that is not JSON", () => {
    const e = errorFromResponse("GET", "http://h/y", new Response("oops", { status: 502 }), "oops");
    expect([e.error, e.errorCode, e.link]).toEqual([undefined, undefined, undefined]);
    expect(e.message).toBe("Request failed (GET http://h/y) (status 502)");
  });
});

describe("createTransport", () => {
  it("asks for the location once, then sends realm-web's headers to the hostname", async () => {
    const { fetch, seen } = queueFetch([json({ hostname: "http://host-b:1/" }), json({ ok: 1 }), json({ ok: 2 })]);
    const t = createTransport({ appId: "app", baseUrl: "http://base:1/", skipLocationRequest: false, fetch });
    await t.send({ method: "POST", route: "/auth/session", token: "rt" });
    const r = await t.send({ method: "POST", route: "/app/app/functions/call", token: "at", body: "{}" });
    expect(r.text).toBe('{"ok":2}');
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ["GET", "http://base:1/api/client/v2.0/app/app/location"],
      ["POST", "http://host-b:1/api/client/v2.0/auth/session"],
      ["POST", "http://host-b:1/api/client/v2.0/app/app/functions/call"],
    ]);
    expect(seen[0]?.headers).toEqual({ Accept: "application/json" });
    expect(seen[1]?.headers).toEqual({ Authorization: "Bearer rt", Accept: "application/json" });
    expect(seen[2]?.headers).toEqual({ Authorization: "Bearer at", "Content-Type": "application/json", Accept: "application/json" });
  });

  it("forgets a failed location request and asks again next time", async () => {
    const { fetch, seen } = queueFetch([new TypeError("fetch failed"), json({ hostname: "http://h" }), json({})]);
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: false, fetch });
    const err = await t.send({ method: "GET", route: "/auth/profile" }).catch((e: unknown) => e);
    expect(isRealmTabsError(err) && [err.code, err.retryable]).toEqual(["network", true]);
    await t.send({ method: "GET", route: "/auth/profile" });
    expect(seen.map((s) => s.url)).toEqual([
      "http://b/api/client/v2.0/app/a/location",
      "http://b/api/client/v2.0/app/a/location",
      "http://h/api/client/v2.0/auth/profile",
    ]);
  });

  it("skips the location request when told to", async () => {
    const { fetch, seen } = queueFetch([json({})]);
    const t = createTransport({ appId: "a", baseUrl: "http://b/", skipLocationRequest: true, fetch });
    await t.send({ method: "DELETE", route: "/auth/session", token: "rt" });
    expect(seen.map((s) => s.url)).toEqual(["http://b/api/client/v2.0/auth/session"]);
  });

  it("turns an error answer into MongoDBRealmError and a deadline into RealmTabsError timeout", async () => {
    const { fetch } = queueFetch([json({ error: "function not found: 'g'", error_code: "FunctionNotFound" }, 404, "Not Found")]);
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch });
    const err = await t.send({ method: "POST", route: "/app/a/functions/call", body: "{}" }).catch((e: unknown) => e);
    expect(isMongoDBRealmError(err) && err.message).toBe(
      "Request failed (POST http://b/api/client/v2.0/app/a/functions/call): function not found: 'g' (status 404 Not Found)",
    );

    const hanging: FetchLike = (_url, init) =>
      new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const slow = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch: hanging, timeoutMs: 50 });
    const late = await slow.send({ method: "GET", route: "/auth/profile" }).catch((e: unknown) => e);
    expect(isRealmTabsError(late) && late.code).toBe("timeout");
  });

  it("gives a request a longer deadline of its own, never a shorter one", async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch: hanging, timeoutMs: 30 });
    const message = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => "answered",
        (e: unknown) => (e as Error).message,
      );
    expect(await message(t.send({ method: "POST", route: "/x", timeoutMs: 120 }))).toContain("within 120 ms");
    expect(await message(t.send({ method: "POST", route: "/x", timeoutMs: 5 }))).toContain("within 30 ms");
    expect(await message(t.send({ method: "POST", route: "/x" }))).toContain("within 30 ms");
  });

  it("caps a request's own deadline at 10 min", async () => {
    vi.useFakeTimers();
    try {
      const hanging: FetchLike = (_url, init) =>
        new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
      const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch: hanging });
      const sent = t.send({ method: "POST", route: "/x", timeoutMs: 2 ** 40 }).catch((e: unknown) => (e as Error).message);
      await vi.advanceTimersByTimeAsync(MAX_REQUEST_TIMEOUT_MS);
      expect(await sent).toContain(`within ${MAX_REQUEST_TIMEOUT_MS} ms`);
    } finally {
      vi.useRealTimers();
    }
  });

  it("ends a request when its signal aborts, before or during it, with a network error", async () => {
    // as fetch: rejects at once with an aborted signal, else when it aborts
    const hanging: FetchLike = (_url, init) =>
      new Promise((_, reject) => {
        if (init.signal?.aborted) reject(init.signal.reason);
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch: hanging, timeoutMs: 10_000 });
    const outcome = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => "answered",
        (e: unknown) => (isRealmTabsError(e) ? `${e.code}: ${e.message}` : String(e)),
      );
    const caller = new AbortController();
    const during = outcome(t.send({ method: "POST", route: "/x", signal: caller.signal }));
    caller.abort();
    expect(await during).toBe("network: POST http://b/api/client/v2.0/x: its caller is gone");
    expect(await outcome(t.send({ method: "POST", route: "/y", signal: caller.signal }))).toMatch(/^network: .*\/y: its caller is gone$/);
  });

  it("clears the deadline of a request once its answer was read", async () => {
    const signals: AbortSignal[] = [];
    const fetch: FetchLike = async (_url, init) => {
      if (init.signal) signals.push(init.signal);
      return json({ ok: 1 });
    };
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: true, fetch, timeoutMs: 20 });
    await t.send({ method: "GET", route: "/auth/profile" });
    await t.send({ method: "POST", route: "/app/a/functions/call", body: "{}", binary: true });
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the deadline
    expect(signals).toHaveLength(2);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it("rejects a location answer without a hostname", async () => {
    const { fetch } = queueFetch([json({ location: "US-VA" })]);
    const t = createTransport({ appId: "a", baseUrl: "http://b", skipLocationRequest: false, fetch });
    await expect(t.send({ method: "GET", route: "/x" })).rejects.toThrow("Expected response to contain a 'hostname'");
  });
});
