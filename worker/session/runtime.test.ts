import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { SignJWT } from "jose";
import type { SessionEvent } from "../../src/protocol/events.js";
import type { AppConfigWire } from "../../src/protocol/rpc.js";
import type { FetchLike } from "../io/deps.js";
import { realTimers, systemClock } from "../io/deps.js";
import * as ops from "./operations.js";
import { createAppRuntime, type AppRuntime } from "./runtime.js";
import { emptyState } from "./state.js";
import { memoryStore } from "../io/fallbackStore.js";
import { createTransport } from "../io/transport.js";

const key = new TextEncoder().encode("k".repeat(32));
const now = () => Math.floor(Date.now() / 1000);
const accessToken = (sub: string, n: number) =>
  new SignJWT({ sub, n })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now())
    .setExpirationTime(now() + 600)
    .sign(key);
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const profile = { type: "normal", identities: [{ id: "i", provider_type: "local-userpass" }], data: { first_name: "Ada" } };

/** A runtime over a scripted fetch: `route` answers each request (or waits) by method and path. */
function scripted(route: (method: string, path: string, auth: string | undefined) => Promise<Response>) {
  const seen: { method: string; path: string; auth: string | undefined }[] = [];
  const events: SessionEvent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const method = String(init.method);
    const path = new URL(url).pathname.replace("/api/client/v2.0", "");
    const auth = (init.headers as Record<string, string>).Authorization;
    seen.push({ method, path, auth });
    return route(method, path, auth);
  };
  const config: AppConfigWire = { id: "app", baseUrl: "http://h", skipLocationRequest: true, exposeRefreshToken: false };
  const rt: AppRuntime = createAppRuntime(
    {
      appKey: "app@http://h",
      config,
      store: memoryStore(),
      transport: createTransport({ appId: "app", baseUrl: "http://h", skipLocationRequest: true, fetch }),
      channel: { postMessage: (m) => events.push(m as SessionEvent), close() {} },
      clock: systemClock,
      timers: realTimers,
      random: () => 0.5,
      device: { sdkVersion: "t", platform: "node", platformVersion: "20" },
    },
    emptyState("app@http://h"),
  );
  return { rt, seen, events };
}

/** The server's login answer for user "u". */
const loginReply = async (n: number, refreshToken: string, deviceId = "65f0aaaaaaaaaaaaaaaaaaaa") =>
  json({ user_id: "u", access_token: await accessToken("u", n), refresh_token: refreshToken, device_id: deviceId });

const creds = { providerType: "local-userpass" as const, payloadEJSON: '{"username":"a","password":"b"}', reuse: false };

describe("app runtime with a scripted server", () => {
  it("stores a rotated refresh token and uses it for the next refresh", async () => {
    let n = 0;
    const { rt, seen } = scripted(async (method, path) => {
      if (path.endsWith("/login")) return loginReply(n++, "rt-0", "000000000000000000000000");
      if (path === "/auth/profile") return json(profile);
      if (method === "POST" && path === "/auth/session")
        return json({ access_token: await accessToken("u", n++), refresh_token: `rt-${n}` });
      return json({ error: "unexpected" }, 500);
    });
    const login = await ops.logIn(rt, creds);
    expect(login.snapshot.users[0]?.profile?.data).toEqual({ firstName: "Ada" });
    await rt.refresh("u");
    await rt.refresh("u");
    expect(seen.filter((s) => s.path === "/auth/session").map((s) => s.auth)).toEqual(["Bearer rt-0", "Bearer rt-2"]);
    expect(rt.state().users.get("u")?.refreshToken).toBe("rt-3");
    rt.close();
  });

  it("drops a refresh answer that arrives after the user logged out", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { rt, events } = scripted(async (method, path) => {
      if (path.endsWith("/login"))
        return json({ user_id: "u", access_token: await accessToken("u", 0), refresh_token: "rt", device_id: "65f0aaaaaaaaaaaaaaaaaaaa" });
      if (path === "/auth/profile") return json(profile);
      if (method === "POST" && path === "/auth/session") {
        await gate;
        return json({ access_token: await accessToken("u", 1) });
      }
      if (method === "DELETE" && path === "/auth/session") return json({});
      return json({ error: "unexpected" }, 500);
    });
    await ops.logIn(rt, creds);
    const refreshing = rt.refresh("u");
    const out = await ops.logOut(rt, "u");
    release();
    const late = await refreshing;
    expect(late.changes).toEqual([]);
    expect(late.snapshot).toEqual(out.snapshot);
    expect(rt.state().users.get("u")).toMatchObject({ state: "LoggedOut", accessToken: null, refreshToken: null });
    expect(events.map((e) => e.kind === "state" && e.changes.map((c) => c.type))).toEqual([["login", "profile"], ["logout"]]);
    rt.close();
  });

  it("a fresh refresh (refreshCustomData) waits for the refresh in flight: the older token never commits after its own", async () => {
    const gates: (() => void)[] = [];
    let n = 0;
    const { rt, seen } = scripted(async (method, path) => {
      if (path.endsWith("/login")) return loginReply(n++, "rt");
      if (path === "/auth/profile") return json(profile);
      if (method === "POST" && path === "/auth/session") {
        const token = await accessToken("u", n++); // minted when the request arrives
        await new Promise<void>((r) => gates.push(r));
        return json({ access_token: token });
      }
      return json({ error: "unexpected" }, 500);
    });
    await ops.logIn(rt, creds);
    const older = rt.refresh("u"); // the refresh loop's, say
    const fresh = rt.refresh("u", { fresh: true });
    const joiner = rt.refresh("u"); // arrives meanwhile: shares the fresh one
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    gates[0]!();
    const olderToken = (await older).snapshot.users[0]?.accessToken;
    await vi.waitFor(() => expect(gates).toHaveLength(2)); // the fresh request is sent only now
    gates[1]!();
    const freshToken = (await fresh).snapshot.users[0]?.accessToken;
    expect(freshToken).not.toBe(olderToken);
    expect((await joiner).snapshot.users[0]?.accessToken).toBe(freshToken);
    expect(rt.state().users.get("u")?.accessToken).toBe(freshToken);
    expect(seen.filter((s) => s.method === "POST" && s.path === "/auth/session")).toHaveLength(2);
    rt.close();
  });

  it("logs out locally even when DELETE /auth/session fails", async () => {
    const { rt, seen } = scripted(async (method, path) => {
      if (path.endsWith("/login"))
        return json({ user_id: "u", access_token: await accessToken("u", 0), refresh_token: "rt", device_id: "65f0aaaaaaaaaaaaaaaaaaaa" });
      if (path === "/auth/profile") return json(profile);
      return json({ error: "invalid session", error_code: "InvalidSession" }, 401);
    });
    await ops.logIn(rt, creds);
    const out = await ops.logOut(rt, "u");
    expect(out.changes).toEqual([{ type: "logout", userId: "u" }]);
    expect(seen.at(-1)).toEqual({ method: "DELETE", path: "/auth/session", auth: "Bearer rt" });
    rt.close();
  });

  it("keeps a login whose profile request failed, and reports the profile error", async () => {
    const { rt } = scripted(async (_method, path) => {
      if (path.endsWith("/login"))
        return json({ user_id: "u", access_token: await accessToken("u", 0), refresh_token: "rt", device_id: "65f0aaaaaaaaaaaaaaaaaaaa" });
      return json({ error: "boom", error_code: "InternalServerError" }, 500);
    });
    await expect(ops.logIn(rt, creds)).rejects.toMatchObject({ statusCode: 500, errorCode: "InternalServerError" });
    expect(rt.snapshot().users[0]).toMatchObject({ id: "u", state: "LoggedIn", profile: null });
    expect(rt.snapshot().deviceId).toBe("65f0aaaaaaaaaaaaaaaaaaaa");
    rt.close();
  });
});
