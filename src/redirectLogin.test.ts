import { describe, expect, it, vi } from "vitest";
import { handleAuthRedirect } from "./compat/environment.js";
import { MemoryStorage, type StorageChangeListener } from "./compat/storage.js";
import { isRealmTabsError } from "./protocol/encodeError.js";
import { randomState, runRedirectLogin } from "./redirectLogin.js";

/** localStorage as two documents share it: a write by the other one fires the `storage` listeners. */
class SharedStorage extends MemoryStorage {
  private readonly listeners = new Set<StorageChangeListener>();
  override set(key: string, value: string): void {
    super.set(key, value);
    queueMicrotask(() => this.listeners.forEach((l) => l()));
  }
  // optional parameters: MemoryStorage declares these without one
  override addListener(listener?: StorageChangeListener): void {
    if (listener) this.listeners.add(listener);
  }
  override removeListener(listener?: StorageChangeListener): void {
    if (listener) this.listeners.delete(listener);
  }
  listening(): number {
    return this.listeners.size;
  }
}

interface FakeWindow {
  closed: boolean;
  close(): void;
}

/** An environment whose "window" runs `popup(url)` as the redirect page would, after the open. */
function environment(popup: (url: string, storage: SharedStorage, win: FakeWindow) => void, opens = true) {
  const storage = new SharedStorage();
  const windows: FakeWindow[] = [];
  return {
    storage,
    windows,
    env: {
      defaultStorage: storage,
      openWindow: (url: string) => {
        if (!opens) return null;
        const win: FakeWindow = {
          closed: false,
          close() {
            this.closed = true;
          },
        };
        windows.push(win);
        setTimeout(() => popup(url, storage, win), 5);
        return win as unknown as Window;
      },
    },
  };
}

const loginUrl = async (state: string): Promise<string> => `http://server.test/login?state=${state}`;
const stateOf = (url: string): string => new URL(url).searchParams.get("state")!;

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(isRealmTabsError(e)).toBe(true);
  return (e as { code: string }).code;
}

describe("runRedirectLogin", () => {
  it("opens the login, takes handleAuthRedirect's hand-over for its state, closes the window and completes", async () => {
    const { env, storage, windows } = environment((url, s) =>
      handleAuthRedirect({ hash: `#_baas_state=${stateOf(url)}&_baas_ua=at%24rt%24uid%24dev&_baas_client_app_id=app` }, s),
    );
    const complete = vi.fn(async (ua: string) => `completed ${ua}`);
    let state = "";
    const url = (s: string): Promise<string> => {
      state = s;
      return loginUrl(s);
    };
    await expect(runRedirectLogin({ url, complete, environment: env })).resolves.toBe("completed at$rt$uid$dev");
    expect(windows[0]?.closed).toBe(true);
    expect(storage.listening()).toBe(0);
    expect(storage.get(`oauth2:state(${state}):result`)).toBeNull(); // the hand-over is cleared
  });

  it("fails with window-blocked when no window opens", async () => {
    const { env } = environment(() => {}, false);
    const complete = vi.fn();
    expect(await codeOf(runRedirectLogin({ url: loginUrl, complete, environment: env }))).toBe("window-blocked");
    expect(complete).not.toHaveBeenCalled();
  });

  it("fails with window-closed when the window is closed first", async () => {
    const { env } = environment((_url, _s, win) => win.close());
    expect(await codeOf(runRedirectLogin({ url: loginUrl, complete: vi.fn(), environment: env }))).toBe("window-closed");
  });

  it("fails with timeout at the deadline, and ignores a result for another state", async () => {
    const { env, windows } = environment((_url, s) => handleAuthRedirect({ hash: "#_baas_state=someoneelse&_baas_ua=a%24b%24c%24d" }, s));
    expect(await codeOf(runRedirectLogin({ url: loginUrl, complete: vi.fn(), environment: env, timeoutMs: 100 }))).toBe("timeout");
    expect(windows[0]?.closed).toBe(true);
  });

  it("fails with redirect-failed when the provider reported an error", async () => {
    const { env } = environment((url, s) => handleAuthRedirect({ hash: `#_baas_state=${stateOf(url)}&_baas_error=access_denied` }, s));
    const complete = vi.fn();
    expect(await codeOf(runRedirectLogin({ url: loginUrl, complete, environment: env }))).toBe("redirect-failed");
    expect(complete).not.toHaveBeenCalled();
  });

  it("makes states of 12 lowercase letters", () => {
    const states = new Set(Array.from({ length: 50 }, () => randomState()));
    for (const s of states) expect(s).toMatch(/^[a-z]{12}$/);
    expect(states.size).toBe(50);
  });
});
