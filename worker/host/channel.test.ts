/**
 * The app's BroadcastChannel is readable by any script of the origin, so what the runtime posts
 * there must carry no user data: no access or refresh token, no profile, no custom data. Every raw
 * message is logged (not only those the tabs' guard accepts) while users log in, refresh, opt in to
 * refresh-token exposure and log out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { channelName } from "../../src/protocol/names.js";
import type { MutationReply } from "../../src/protocol/rpc.js";
import { anonymous, emailPassword, openTab, register, startTestServer, testHost } from "../../test/worker-kit.js";

const APP = "channel-test";
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

/** Every message posted on `name`, as received. */
function rawLog(name: string): { messages: unknown[]; close(): void } {
  const channel = new BroadcastChannel(name);
  const messages: unknown[] = [];
  channel.onmessage = (m: MessageEvent) => {
    messages.push(m.data);
  };
  return { messages, close: () => channel.close() };
}

/** Every token and personal value a snapshot holds. */
function secretsOf(reply: MutationReply): string[] {
  return reply.snapshot.users
    .flatMap((u) => [u.accessToken, u.refreshToken, u.profile?.data.email])
    .filter((s): s is string => typeof s === "string" && s.length > 0);
}

describe("channel events", () => {
  it("carry no token, profile or custom data, through logins, refreshes, the refresh-token opt-in and logouts", async () => {
    const host = testHost(`channel-test-${Date.now()}`);
    const tab = openTab(host, server, APP);
    const { appKey } = await tab.connect(false);
    const log = rawLog(channelName(appKey));
    const email = `secret-${Date.now()}@example.com`;
    await register(server, APP, email);
    const replies: MutationReply[] = [];
    const named = await tab.api.logIn(appKey, emailPassword(email));
    replies.push(named);
    const anon = await tab.api.logIn(appKey, anonymous(false));
    replies.push(anon);
    replies.push(await tab.api.refreshAccessToken(appKey, named.userId!));
    const optIn = openTab(host, server, APP);
    const exposed = await optIn.connect(true);
    expect(exposed.snapshot.users.every((u) => typeof u.refreshToken === "string")).toBe(true); // the port does carry them
    replies.push({ snapshot: exposed.snapshot, changes: [], userId: null });
    replies.push(await tab.api.refreshAccessToken(appKey, anon.userId!));
    replies.push(await tab.api.refreshCustomData(appKey, named.userId!));
    replies.push(await tab.api.refreshProfile(appKey, named.userId!));
    const out = await tab.api.logOut(appKey, named.userId!);
    replies.push(out);

    // the tab that did not opt in never gets one, before or after another tab opted in
    const toTab = [...replies.slice(0, 3), ...replies.slice(4)];
    expect(toTab.flatMap((r) => r.snapshot.users.map((u) => u.refreshToken)).every((t) => t === null)).toBe(true);
    const secrets = new Set(replies.flatMap(secretsOf));
    expect(secrets.size).toBeGreaterThanOrEqual(6); // access tokens, refresh tokens and the email were seen
    expect([...secrets].some((s) => exposed.snapshot.users.some((u) => u.refreshToken === s))).toBe(true);
    // every commit up to the logout has been posted
    await expect.poll(() => log.messages.some((m) => (m as { epoch?: unknown }).epoch === out.snapshot.epoch)).toBe(true);
    const wire = JSON.stringify(log.messages);
    expect(log.messages.length).toBeGreaterThanOrEqual(7);
    for (const secret of secrets) expect(wire.includes(secret), "a secret appeared on the channel").toBe(false);
    expect(wire).not.toMatch(/eyJ/); // no JWT of any kind
    for (const m of log.messages) {
      const e = m as { kind: string };
      if (e.kind === "state") expect(Object.keys(e).sort()).toEqual(["appKey", "changes", "epoch", "kind", "v"]);
    }
    log.close();
    tab.close();
    optIn.close();
    host.close();
  });
});
