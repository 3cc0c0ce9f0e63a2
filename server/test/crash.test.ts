/**
 * Durability: every insert the server acknowledged before a `kill -9` of the CLI process is there
 * after a restart on the same data directory (SQLite WAL, one transaction per write).
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TestClient } from "./testClient.js";
import { startCli } from "./cli.js";

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Spawns the CLI on `dir` (deadline 30 s for its `listening on` line). */
function start(dir: string) {
  return startCli(["--port", "0", "--app-id", "crash", "--data", dir, "--allow-all-data"], children, { timeoutMs: 30_000 });
}

const target = { database: "crash", collection: "items" };

describe("kill -9 durability", () => {
  it("every acknowledged insert survives SIGKILL of the CLI mid-writes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-crash-"));
    try {
      const first = await start(dir);
      const c = new TestClient(first.url, "crash");
      const user = await c.logIn("anon-user");
      const insert = (n: number) =>
        c.request("POST", c.app("/functions/call"), {
          token: user.access_token,
          body: { name: "insertOne", service: "mongodb-atlas", arguments: [{ ...target, document: { n } }] },
          timeoutMs: 10_000,
        });
      const acked = new Set<number>();
      for (let n = 0; n < 100; n++) {
        if ((await insert(n)).status === 200) acked.add(n);
      }
      expect(acked.size).toBe(100);
      // keep 8 writers busy, then kill -9 while they run
      let n = 100;
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const mine = n++;
          const res = await insert(mine).catch(() => null);
          if (res?.status === 200) acked.add(mine);
        }
      };
      const writers = Array.from({ length: 8 }, writer);
      await expect.poll(() => acked.size, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(150);
      first.child.kill("SIGKILL");
      killed = true;
      expect(await first.exited).toBe("SIGKILL");
      await Promise.all(writers);

      const second = await start(dir);
      const c2 = new TestClient(second.url, "crash");
      const user2 = await c2.logIn("anon-user");
      const res = await c2.request("POST", c2.app("/functions/call"), {
        token: user2.access_token,
        body: { name: "find", service: "mongodb-atlas", arguments: [{ ...target, query: {} }] },
      });
      expect(res.status).toBe(200);
      const found = new Set((res.body as { n: number }[]).map((d) => d.n));
      const lost = [...acked].filter((k) => !found.has(k));
      expect(lost).toEqual([]);
      expect(found.size).toBeGreaterThanOrEqual(acked.size);
      console.log(`[crash] ${acked.size} inserts acknowledged before SIGKILL, ${found.size} found after restart, ${lost.length} lost`);
      second.child.kill("SIGTERM");
      await second.exited;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
