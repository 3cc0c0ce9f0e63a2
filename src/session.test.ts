/**
 * The orderings a tab that is still connecting can see when another tab logs in: the login's
 * `state` hint before the handshake reply, a handshake reply or a snapshot fetch taken before the
 * login and delivered after its hint, and a fetch that fails once. Each time the tab must end up
 * showing the login without any later event. The runtime is the in-memory test double of
 * test/memory-runtime.ts over a real MessageChannel, with hints on a real BroadcastChannel; the
 * test holds its replies back to force each order.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.js";
import { Credentials } from "./credentials.js";
import { exposeSession } from "./protocol/expose.js";
import { RealmTabsError } from "./protocol/errors.js";
import type { SessionApi } from "./protocol/rpc.js";
import { BASE, MemoryRuntime, closeAll, tabs, tracked } from "../test/memory-runtime.js";

afterEach(closeAll);

/** A promise the test resolves when it wants a held reply to go out. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Resolves when `read()` holds (polled on the event loop, with a deadline). */
async function until(read: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => expect(read(), what).toBe(true), { timeout: 2_000, interval: 5 });
}

/** One tab (A) on a fresh in-memory runtime, connected. */
async function readyTab(): Promise<{ runtime: MemoryRuntime; a: App }> {
  const {
    runtime,
    apps: [a],
  } = tabs(1);
  await a!.ready;
  return { runtime, a: a! };
}

/** A tab on `runtime` whose runtime API is `api` (the runtime's, with some methods replaced). */
function tabWith(runtime: MemoryRuntime, change: (api: SessionApi) => Partial<SessionApi>): App {
  const app = new App({
    id: "test-app",
    baseUrl: BASE,
    timeoutMs: 2_000,
    worker: () => {
      const { port1, port2 } = new MessageChannel();
      const api = runtime.api();
      exposeSession({ ...api, ...change(api) }, port1);
      tracked.ports.push(port1, port2);
      return port2;
    },
  });
  tracked.apps.push(app);
  return app;
}

describe("a tab that is still connecting when another tab logs in", () => {
  it("shows the login when the handshake reply was taken before the login and arrives after its hint", async () => {
    const { runtime, a } = await readyTab();
    const release = gate();
    let answered = false;
    const b = tabWith(runtime, (api) => ({
      connect: async (req) => {
        const reply = await api.connect(req); // the state before the login
        await release.opened;
        answered = true;
        return reply;
      },
    }));
    const user = await a.logIn(Credentials.anonymous()); // its hint reaches b while b waits for the reply
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release.open();
    await b.ready;
    await until(() => b.currentUser?.id === user.id, "b shows the login");
  });

  it("shows the login when a snapshot fetched before the login is answered after its hint", async () => {
    const { runtime, a } = await readyTab();
    let hold: ReturnType<typeof gate> | null = null;
    let fetches = 0;
    const b = tabWith(runtime, (api) => ({
      snapshot: async (key) => {
        fetches += 1;
        const snapshot = await api.snapshot(key);
        if (hold) await hold.opened;
        return snapshot;
      },
    }));
    await b.ready;
    hold = gate();
    const first = await a.logIn(Credentials.anonymous()); // b fetches, and the fetch is held
    await until(() => fetches === 1, "b fetched once");
    const second = await a.logIn(Credentials.anonymous()); // its hint arrives while the fetch is held
    hold.open();
    await until(() => b.currentUser?.id === second.id, "b shows the second login");
    expect(Object.keys(b.allUsers).sort()).toEqual([first.id, second.id].sort());
  });

  it("shows the login when the fetch its hint started fails once", async () => {
    const { runtime, a } = await readyTab();
    let failures = 1;
    const b = tabWith(runtime, (api) => ({
      snapshot: async (key) => {
        if (failures > 0) {
          failures -= 1;
          throw new RealmTabsError("timeout", "the session runtime did not answer in time", { retryable: true });
        }
        return api.snapshot(key);
      },
    }));
    await b.ready;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const user = await a.logIn(Credentials.anonymous());
      await until(() => b.currentUser?.id === user.id, "b shows the login");
      expect(failures).toBe(0);
    } finally {
      warn.mockRestore();
    }
  });
});
