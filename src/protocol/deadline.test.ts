import { describe, expect, it } from "vitest";
import { loadOnDemand, onFirstUse, withDeadline } from "./deadline.js";
import { RealmTabsError } from "./errors.js";

describe("withDeadline", () => {
  it("rejects with a retryable timeout when the promise does not settle in time", async () => {
    const error = await withDeadline(new Promise(() => {}), 20, "ping").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect((error as Error).message).toContain("ping");
  });

  it("passes values and rejections through", async () => {
    await expect(withDeadline(Promise.resolve(5), 1000, "x")).resolves.toBe(5);
    await expect(withDeadline(Promise.reject(new Error("no")), 1000, "x")).rejects.toThrow("no");
  });
});

describe("loadOnDemand", () => {
  it("rejects a load that never settles with a retryable timeout naming the code", async () => {
    const error = await loadOnDemand(() => new Promise<never>(() => {}), "the watch code", 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RealmTabsError);
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect((error as Error).message).toContain("loading the watch code");
  });

  it("turns a failed load (a chunk that cannot be fetched) into a retryable network error with its cause", async () => {
    const fetchFailed = new TypeError("Failed to fetch dynamically imported module");
    const error = await loadOnDemand(() => Promise.reject(fetchFailed), "leader mode", 1000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "network", retryable: true, cause: fetchFailed });
    const thrown = await loadOnDemand(() => {
      throw fetchFailed;
    }, "leader mode").catch((e: unknown) => e);
    expect(thrown).toMatchObject({ code: "network", cause: fetchFailed });
  });

  it("resolves with the loaded module, and a later call loads again after a failure", async () => {
    let calls = 0;
    const load = (): Promise<{ n: number }> => (++calls === 1 ? Promise.reject(new Error("offline")) : Promise.resolve({ n: 7 }));
    await expect(loadOnDemand(load, "x", 1000)).rejects.toMatchObject({ code: "network" });
    await expect(loadOnDemand(load, "x", 1000)).resolves.toEqual({ n: 7 });
    await expect(loadOnDemand(() => import("./names.js"), "names")).resolves.toHaveProperty("appKeyFor");
  });
});

describe("onFirstUse", () => {
  it("loads once for every call, and loads again after a failed load", async () => {
    let loads = 0;
    const load = onFirstUse(async () => {
      loads += 1;
      if (loads === 1) throw new Error("offline");
      return { n: loads };
    }, "the test module");
    await expect(load()).rejects.toMatchObject({ code: "network", retryable: true });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(2);
  });
});
