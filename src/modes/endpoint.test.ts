import * as Comlink from "comlink";
import { afterEach, describe, expect, it } from "vitest";
import { clientEndpoint, serveClients } from "./endpoint.js";
import { rpcChannelName } from "../protocol/names.js";
import { RPC_NS, isRpcWire } from "./wire.js";

const open: BroadcastChannel[] = [];
function channel(name = rpcChannelName("test")): BroadcastChannel {
  const c = new BroadcastChannel(name);
  open.push(c);
  return c;
}

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

interface Api {
  whoami(): string;
  add(a: number, b: number): number;
}

function serve(leaderId: string, served: string[] = []) {
  return serveClients(channel(), leaderId, "build-1", (clientId, endpoint) => {
    served.push(clientId);
    Comlink.expose({ whoami: () => `${leaderId} serves ${clientId}`, add: (a: number, b: number) => a + b } satisfies Api, endpoint);
  });
}

describe("BroadcastChannel Comlink endpoints", () => {
  it("carries calls from a client to the leader and back", async () => {
    serve("L1");
    const api = Comlink.wrap<Api>(clientEndpoint(channel(), "tab-1", () => "L1"));
    expect(await api.add(2, 40)).toBe(42);
    expect(await api.whoami()).toBe("L1 serves tab-1");
  });

  it("gives each client its own endpoint and delivers replies only to the caller", async () => {
    const served: string[] = [];
    serve("L1", served);
    const a = Comlink.wrap<Api>(clientEndpoint(channel(), "tab-a", () => "L1"));
    const b = Comlink.wrap<Api>(clientEndpoint(channel(), "tab-b", () => "L1"));
    const [ra, rb] = await Promise.all([a.whoami(), b.whoami()]);
    expect(ra).toBe("L1 serves tab-a");
    expect(rb).toBe("L1 serves tab-b");
    await a.add(1, 1);
    expect(served).toEqual(["tab-a", "tab-b"]);
  });

  it("sends to whoever leads now, and ignores a former leader", async () => {
    serve("L1");
    serve("L2");
    let leader = "L1";
    const api = Comlink.wrap<Api>(clientEndpoint(channel(), "tab-1", () => leader));
    expect(await api.whoami()).toBe("L1 serves tab-1");
    leader = "L2";
    expect(await api.whoami()).toBe("L2 serves tab-1");
  });

  it("drops what it sends while no leader is known", async () => {
    const seen: unknown[] = [];
    const spy = channel();
    spy.onmessage = (e) => seen.push(e.data);
    const endpoint = clientEndpoint(channel(), "tab-1", () => null);
    endpoint.postMessage({ hello: 1 });
    const ping = channel();
    ping.postMessage("marker");
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(["marker"]);
  });

  it("announces the leader when it starts and when asked who leads", async () => {
    const heard: unknown[] = [];
    const listener = channel();
    listener.onmessage = (e) => {
      if (isRpcWire(e.data) && e.data.t === "leader") heard.push(e.data);
    };
    serve("L9");
    await expect.poll(() => heard.length).toBe(1);
    channel().postMessage({ ns: RPC_NS, t: "who" });
    await expect.poll(() => heard.length).toBe(2);
    expect(heard[1]).toEqual({ ns: RPC_NS, t: "leader", id: "L9", buildId: "build-1" });
  });

  it("tunnels a transferred port: the leader's posts and close reach the port the tab kept", async () => {
    const c = channel();
    serveClients(c, "L1", "build-1", (_clientId, endpoint) => {
      Comlink.expose(
        {
          take(port: { postMessage(d: unknown): void; close(): void }) {
            port.postMessage({ n: 1 });
            port.postMessage({ n: 2 });
            port.close();
            port.postMessage({ n: 3 }); // after close: dropped
            return 7;
          },
        },
        endpoint,
      );
    });
    const endpoint = clientEndpoint(channel(), "tab-1", () => "L1");
    const api = Comlink.wrap<{ take(port: MessagePort): number }>(endpoint);
    const { port1, port2 } = new MessageChannel();
    const got: unknown[] = [];
    port1.onmessage = (e) => got.push(e.data);
    expect(await api.take(Comlink.transfer(port2, [port2]))).toBe(7);
    await expect.poll(() => got).toEqual([{ n: 1 }, { n: 2 }]);
    expect(endpoint.tunnels.size).toBe(0); // closed by the leader
    port1.close();
  });

  it("orphan() posts a farewell into every tunnelled port and forgets them (a leader change)", async () => {
    let leader = "L1";
    serve("L1");
    const endpoint = clientEndpoint(channel(), "tab-1", () => leader);
    const api = Comlink.wrap<{ add(a: number, b: number): number }>(endpoint);
    const { port1, port2 } = new MessageChannel();
    const got: unknown[] = [];
    port1.onmessage = (e) => got.push(e.data);
    endpoint.postMessage({ probe: port2 }, [port2]); // a message transferring a port: tunnelled
    await expect.poll(() => endpoint.tunnels.size).toBe(1);
    expect(await api.add(1, 1)).toBe(2);
    leader = "L2"; // a new leader: the ports the old one held are orphaned
    endpoint.tunnels.orphan((p) => p.postMessage("bye"));
    await expect.poll(() => got).toEqual(["bye"]);
    expect(endpoint.tunnels.size).toBe(0);
    port1.close();
  });

  it("ignores foreign and malformed messages", () => {
    expect(isRpcWire({ t: "who" })).toBe(false);
    expect(isRpcWire({ ns: RPC_NS, t: "rpc", from: 1, to: "x" })).toBe(false);
    expect(isRpcWire({ ns: RPC_NS, t: "leader", id: "x" })).toBe(false);
    expect(isRpcWire({ ns: RPC_NS, t: "rpc", from: "a", to: "b", data: null })).toBe(true);
    expect(isRpcWire({ ns: RPC_NS, t: "port", from: "a", to: "b" })).toBe(false);
    expect(isRpcWire({ ns: RPC_NS, t: "port", from: "a", to: "b", port: "p", data: 1 })).toBe(true);
  });

  it("forgets a dropped client and serves it again with a new endpoint", async () => {
    const served: string[] = [];
    const server = serve("L1", served);
    const api = Comlink.wrap<Api>(clientEndpoint(channel(), "tab-1", () => "L1"));
    await api.add(1, 2);
    expect(server.size).toBe(1);
    server.drop("tab-1");
    expect(server.size).toBe(0);
    expect(await api.add(3, 4)).toBe(7);
    expect(served).toEqual(["tab-1", "tab-1"]);
  });
});
