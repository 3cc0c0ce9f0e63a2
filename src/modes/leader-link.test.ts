import { afterEach, describe, expect, it, vi } from "vitest";
import { serveClients } from "./endpoint.js";
import { openLeaderLink } from "./leader-link.js";
import { rpcChannelName } from "../protocol/names.js";
import { exposeSession } from "../protocol/expose.js";
import type { RuntimeStats, SessionApi } from "../protocol/rpc.js";

// Another tab holds the leader lock: this tab's candidacy waits in the queue (never granted here).
const requests: string[] = [];
vi.stubGlobal("navigator", {
  locks: {
    request: (name: string, options: { signal?: AbortSignal }) => {
      requests.push(name);
      return new Promise((_resolve, reject) =>
        options.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    },
  },
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A leader "tab": serves `stats()` (naming it in `buildId`) and a `snapshot()` that never answers, on the RPC channel. */
function leader(id: string): { close(): void } {
  const channel = new BroadcastChannel(rpcChannelName("unit"));
  const server = serveClients(channel, id, "b1", (_client, endpoint) => {
    const served: Pick<SessionApi, "stats" | "snapshot"> = {
      stats: async (): Promise<RuntimeStats> => ({ tabs: 1, refreshes: 0, openStreams: 0, buildId: id }),
      snapshot: () => new Promise(() => {}),
    };
    exposeSession(served as SessionApi, endpoint);
  });
  const close = (): void => {
    server.close();
    channel.close();
  };
  cleanups.push(close);
  return { close };
}

describe("leader link", () => {
  it("stands for election, finds the leader and calls it", async () => {
    leader("L1");
    const link = openLeaderLink("unit", "tab-1", "b1", 5_000);
    cleanups.push(() => link.close());
    await link.ready;
    expect(requests).toContain("realm-tabs:leader:unit");
    expect((await link.api.stats()).buildId).toBe("L1");
    expect(link.mode).toBe("leader");
    expect(link.degraded).toMatch(/leader tab/);
  });

  it("rejects calls in flight with a retryable leader-changed error when a new leader is announced, then calls it", async () => {
    const first = leader("L1");
    const link = openLeaderLink("unit", "tab-2", "b1", 5_000);
    cleanups.push(() => link.close());
    await link.ready;
    const changed = vi.fn();
    link.onChange(changed);
    const inFlight = Promise.race([link.api.snapshot("app"), link.lost()]);
    first.close(); // the leader tab goes away...
    leader("L2"); // ...and the next one announces itself
    await expect(inFlight).rejects.toMatchObject({ code: "leader-changed", retryable: true });
    expect(changed).toHaveBeenCalledTimes(1);
    expect((await link.api.stats()).buildId).toBe("L2");
  });

  it("ready rejects with timeout when no leader answers", async () => {
    const link = openLeaderLink("unit", "tab-3", "b1", 100);
    cleanups.push(() => link.close());
    await expect(link.ready).rejects.toMatchObject({ code: "timeout" });
  });
});
