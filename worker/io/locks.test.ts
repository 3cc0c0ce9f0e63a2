import { describe, expect, it } from "vitest";
import { isRealmTabsError } from "../../src/protocol/encodeError.js";
import { refreshLockName } from "../../src/protocol/names.js";
import { memoryLock, webLock, type LockManagerLike } from "./locks.js";

describe("shared locks", () => {
  it("memoryLock runs holders of one name one after another, other names alongside, and survives failures", async () => {
    const lock = memoryLock();
    const order: string[] = [];
    let releaseA!: () => void;
    const a = lock(
      "x",
      () =>
        new Promise<void>((r) => {
          order.push("a:start");
          releaseA = () => {
            order.push("a:end");
            r();
          };
        }),
    );
    const b = lock("x", async () => {
      order.push("b");
      throw new Error("b failed");
    });
    const c = lock("x", async () => {
      order.push("c");
      return 3;
    });
    const other = lock("y", async () => {
      order.push("y");
      return 1;
    });
    expect(await other).toBe(1);
    await Promise.resolve();
    releaseA();
    await a;
    await expect(b).rejects.toThrow("b failed");
    expect(await c).toBe(3);
    expect(order).toEqual(["a:start", "y", "a:end", "b", "c"]);
  });

  it("webLock turns a lock not granted in time into RealmTabsError timeout", async () => {
    const never: LockManagerLike = {
      request: (_name, options) =>
        new Promise((_, reject) => options.signal?.addEventListener("abort", () => reject(options.signal?.reason))),
    };
    const err = await webLock(never, 30)("n", async () => 1).catch((e: unknown) => e);
    expect(isRealmTabsError(err) && err.code).toBe("timeout");
    const granted: LockManagerLike = { request: (_name, _options, fn) => fn() };
    expect(await webLock(granted)("n", async () => 2)).toBe(2);
    expect(refreshLockName("app@http://h", "u1")).toBe("realm-tabs:refresh:app@http://h:u1");
  });
});
