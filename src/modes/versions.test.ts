import { afterEach, describe, expect, it } from "vitest";
import { watchBuilds } from "./versions.js";

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

function watch(buildId: string, startedAt: number, told: string[]): void {
  stops.push(watchBuilds(new BroadcastChannel("test-builds"), buildId, startedAt, (newer) => told.push(newer)));
}

describe("watchBuilds", () => {
  it("tells an older tab once when a newer build starts, and never the newer one", async () => {
    const old: string[] = [];
    const fresh: string[] = [];
    watch("A", 1000, old);
    watch("B", 2000, fresh);
    await expect.poll(() => old).toEqual(["B"]);
    watch("C", 3000, []);
    await expect.poll(() => fresh).toEqual(["C"]);
    expect(old).toEqual(["B"]); // told once only
  });

  it("a newer tab that was open first answers an older tab that starts later", async () => {
    const late: string[] = [];
    watch("B", 2000, []);
    watch("A", 1000, late); // e.g. an old tab restored from the back/forward cache
    await expect.poll(() => late).toEqual(["B"]);
  });

  it("tabs of the same build are not outdated", async () => {
    const a: string[] = [];
    const b: string[] = [];
    watch("A", 1000, a);
    watch("A", 2000, b);
    watch("Z", 500, []); // an older build: answers go to it, not to the A tabs
    await new Promise((r) => setTimeout(r, 50));
    expect(a).toEqual([]);
    expect(b).toEqual([]);
  });
});
