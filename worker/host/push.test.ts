import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Comlink from "comlink";
import type { RunningServer } from "../../server/src/index.js";
import { wrapSession } from "../../src/protocol/comlink.js";
import { exposeSession } from "../../src/protocol/expose.js";
import { PROTOCOL_VERSION, isStatePush } from "../../src/protocol/events.js";
import type { ConnectReply, StatePush } from "../../src/protocol/rpc.js";
import { anonymous, listen, openTab, startTestServer, testHost, type TestTab } from "../../test/worker-kit.js";

const APP = "push-test";
let server: RunningServer;
let db = 0;
const freshDb = (): string => `push-test-${++db}-${Date.now()}`;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

/** A tab's push port: what arrived on it, and whether the runtime closed it. */
interface Pushes {
  port: MessagePort;
  received: StatePush[];
  /** Resolves once a push of `epoch` (or newer) arrived. */
  until(epoch: number): Promise<void>;
}

function pushes(port: MessagePort): Pushes {
  const received: StatePush[] = [];
  port.onmessage = (m: MessageEvent) => {
    if (isStatePush(m.data)) received.push(m.data);
  };
  return {
    port,
    received,
    until: (epoch) => vi.waitFor(() => expect(received.at(-1)?.snapshot.epoch ?? -1).toBeGreaterThanOrEqual(epoch)),
  };
}

/** Connects `tab` handing the runtime a push port. */
async function connectWithPush(tab: TestTab, exposeRefreshToken = false): Promise<{ reply: ConnectReply; push: Pushes }> {
  const { port1, port2 } = new MessageChannel();
  const request = {
    protocol: PROTOCOL_VERSION,
    buildId: "test-build",
    tabId: tab.tabId,
    config: { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken },
    push: port2,
  };
  const reply = await tab.api.connect(Comlink.transfer(request, [port2]));
  return { reply, push: pushes(port1) };
}

describe("the runtime pushes each commit to the tabs' private ports", () => {
  it("posts every commit's snapshot and changes to every connected tab, in epoch order, as the replies show them", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    const b = openTab(host, server, APP);
    const { reply, push: pa } = await connectWithPush(a);
    const { push: pb } = await connectWithPush(b);
    expect(reply.pushing).toBe(true);
    const { appKey } = reply;
    const first = await a.api.logIn(appKey, anonymous(false));
    const second = await b.api.logIn(appKey, anonymous(false));
    const out = await a.api.logOut(appKey, first.userId!);
    const replies = [first, second, out].map((r) => ({ snapshot: r.snapshot, changes: r.changes }));
    for (const p of [pa, pb]) {
      await p.until(out.snapshot.epoch);
      expect(p.received.map((m) => ({ snapshot: m.snapshot, changes: m.changes }))).toEqual(replies);
    }
    [a, b].forEach((t) => t.close());
    host.close();
  });

  it("shows refresh tokens only in the pushes to the tab that opted in", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    const b = openTab(host, server, APP);
    const { reply, push: pa } = await connectWithPush(a, false);
    const { push: pb } = await connectWithPush(b, true);
    const login = await a.api.logIn(reply.appKey, anonymous(false));
    await Promise.all([pa.until(login.snapshot.epoch), pb.until(login.snapshot.epoch)]);
    expect(pa.received[0]?.snapshot.users[0]?.refreshToken).toBeNull();
    expect(pb.received[0]?.snapshot.users[0]?.refreshToken).toMatch(/^ey/);
    [a, b].forEach((t) => t.close());
    host.close();
  });

  it("takes no push port over a connection that is not private (leader mode): it closes it and says so", async () => {
    const host = testHost(freshDb());
    const { port1, port2 } = new MessageChannel();
    exposeSession(host.connection({ privatePort: false }), port1);
    const shared = wrapSession(port2);
    const push = new MessageChannel();
    const closed = once(push.port1 as unknown as NodeJS.EventEmitter, "close");
    const reply = await shared.connect(
      Comlink.transfer(
        {
          protocol: PROTOCOL_VERSION,
          buildId: "test-build",
          tabId: "shared-port-tab",
          config: { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken: false },
          push: push.port2,
        },
        [push.port2],
      ),
    );
    expect(reply.pushing).toBe(false);
    await closed;
    shared[Comlink.releaseProxy]();
    port1.close();
    port2.close();
    host.close();
  });

  it("a reconnect replaces the tab's push port, and a tab that goes away takes its port with it", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    const b = openTab(host, server, APP);
    const { reply, push: old } = await connectWithPush(a);
    const oldClosed = once(old.port as unknown as NodeJS.EventEmitter, "close");
    const { push: current } = await connectWithPush(a);
    await oldClosed;
    const { push: pb } = await connectWithPush(b);
    const login = await a.api.logIn(reply.appKey, anonymous(false));
    await current.until(login.snapshot.epoch);
    expect(old.received).toEqual([]);
    const bClosed = once(pb.port as unknown as NodeJS.EventEmitter, "close");
    host.liveness.end(b.tabId);
    await bClosed;
    [a, b].forEach((t) => t.close());
    host.close();
  });

  it("rejects a push that is not a port with invalid-argument", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    await expect(
      a.api.connect({
        protocol: PROTOCOL_VERSION,
        buildId: "test-build",
        tabId: a.tabId,
        config: { id: APP, baseUrl: server.url, skipLocationRequest: false, exposeRefreshToken: false },
        push: "not a port" as unknown as MessagePort,
      }),
    ).rejects.toMatchObject({ code: "invalid-argument" });
    a.close();
    host.close();
  });

  it("publishes a commit's channel hint only while a tab without a push port is connected", async () => {
    const host = testHost(freshDb());
    const a = openTab(host, server, APP);
    const { reply, push } = await connectWithPush(a);
    const log = listen(reply.appKey);
    const first = await a.api.logIn(reply.appKey, anonymous(false));
    await push.until(first.snapshot.epoch);
    const b = openTab(host, server, APP);
    await b.connect(); // no push port: it learns of commits from hints
    const second = await a.api.logIn(reply.appKey, anonymous(false));
    await log.waitFor((e) => e.kind === "state" && e.epoch === second.snapshot.epoch);
    // hints from one sender arrive in order: a hint of the first commit would be there by now
    expect(log.states().map((e) => e.epoch)).toEqual([second.snapshot.epoch]);
    log.close();
    [a, b].forEach((t) => t.close());
    host.close();
  });
});
