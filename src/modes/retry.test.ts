import { describe, expect, it, vi } from "vitest";
import { RealmTabsError } from "../protocol/errors.js";
import { READ_ONLY_METHODS, type SessionMethod } from "../protocol/rpc.js";
import { retryIdempotent } from "./retry.js";

const changed = (): RealmTabsError => new RealmTabsError("leader-changed", "gone", { retryable: true });

describe("retryIdempotent", () => {
  it("retries a read once on the new leader after the reconnect", async () => {
    const reconnected = vi.fn(async () => {});
    const attempt = vi.fn().mockRejectedValueOnce(changed()).mockResolvedValueOnce(42);
    await expect(retryIdempotent("stats", attempt, reconnected)).resolves.toBe(42);
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(reconnected).toHaveBeenCalledTimes(1);
  });
  it("retries only once", async () => {
    const attempt = vi.fn().mockRejectedValue(changed());
    await expect(retryIdempotent("snapshot", attempt, async () => {})).rejects.toMatchObject({ code: "leader-changed" });
    expect(attempt).toHaveBeenCalledTimes(2);
  });
  it("never retries a mutation or another error", async () => {
    const mutation = vi.fn().mockRejectedValue(changed());
    await expect(retryIdempotent("logIn", mutation, async () => {})).rejects.toMatchObject({ code: "leader-changed", retryable: true });
    expect(mutation).toHaveBeenCalledTimes(1);
    const timeout = vi.fn().mockRejectedValue(new RealmTabsError("timeout", "slow", { retryable: true }));
    await expect(retryIdempotent("stats", timeout, async () => {})).rejects.toMatchObject({ code: "timeout" });
    expect(timeout).toHaveBeenCalledTimes(1);
  });
  it("decides from the method alone: only stats, snapshot and redirectLoginUrl are sent twice", async () => {
    const retried: SessionMethod[] = [];
    for (const method of Object.keys(READ_ONLY_METHODS) as SessionMethod[]) {
      const attempt = vi.fn().mockRejectedValueOnce(changed()).mockResolvedValueOnce("ok");
      const result = await retryIdempotent(method, attempt, async () => {}).catch(() => "failed");
      if (result === "ok") retried.push(method);
    }
    expect(retried.sort()).toEqual(["redirectLoginUrl", "snapshot", "stats"]);
  });
});
