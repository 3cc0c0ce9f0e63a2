import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli, type StartedCli } from "../test/cli.js";

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function start(args: string[], entry?: string): Promise<StartedCli> {
  return startCli(args, children, entry === undefined ? {} : { entry });
}

describe("realm-tabs-server CLI", () => {
  it("prints exactly one listening line, serves requests, and exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-cli-"));
    try {
      const { child, url, stdout, exited } = await start(["--port", "0", "--app-id", "cli-app", "--data", dir, "--admin-token", "cli-admin-token", "--access-token-ttl", "60"]);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/api/client/v2.0/app/cli-app/location`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      const admin = await fetch(`${url}/admin/v1/counters`, { headers: { authorization: "Bearer cli-admin-token" }, signal: AbortSignal.timeout(5000) });
      expect(admin.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout()).toBe(`listening on ${url}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs as the compiled bin (server/dist/cli.js) and stops on SIGINT", async () => {
    const { child, url, exited } = await start(["--in-memory", "--port", "0"], "server/dist/cli.js");
    const res = await fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/location`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it.each([["--port", "abc"], ["--bogus"], ["--access-token-ttl", "0"]])("exits 2 on bad arguments %j", async (...args) => {
    await expect(start(args)).rejects.toThrow(/exited with 2/);
  });
});
