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
    // an older build Z announces itself after them; both A tabs answer it. Their answers prove each A
    // tab has handled the announcements before Z's, including the other A tab's.
    const probe = new BroadcastChannel("test-builds");
    const answers = new Set<number>();
    probe.onmessage = (e: MessageEvent) => {
      const m = e.data as { buildId?: string; startedAt?: number };
      if (m.buildId === "A" && typeof m.startedAt === "number") answers.add(m.startedAt);
    };
    stops.push(() => probe.close());
    probe.postMessage({ ns: "realm-tabs-builds/1", buildId: "Z", startedAt: 500 });
    await expect.poll(() => [...answers].sort()).toEqual([1000, 2000]);
    expect(a).toEqual([]);
    expect(b).toEqual([]);
  });
});
