import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** Spawns the CLI and waits (deadline 20 s) for its `listening on` line. */
function startCli(args: string[], entry = "server/cli.ts"): Promise<Started> {
  // The bin registers tsx itself; the TypeScript entry needs `--import tsx`.
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, entry, ...args], { cwd: process.cwd(), env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  children.push(child);
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within 20 s; stderr: ${err}`)), 20_000);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /^listening on (http:\/\/\S+)\n/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: match[1], stdout: () => out, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited with ${code} before listening; stderr: ${err}`)));
  });
}

describe("realm-tabs-server CLI", () => {
  it("prints exactly one listening line, serves requests, and exits 0 on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-cli-"));
    try {
      const { child, url, stdout, exited } = await startCli(["--port", "0", "--app-id", "cli-app", "--data", dir, "--admin-token", "cli-admin-token", "--access-token-ttl", "60"]);
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

  it("runs through bin/realm-tabs-server.js and stops on SIGINT", async () => {
    const { child, url, exited } = await startCli(["--in-memory", "--port", "0"], "bin/realm-tabs-server.js");
    const res = await fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/location`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it.each([["--port", "abc"], ["--bogus"], ["--access-token-ttl", "0"]])("exits 2 on bad arguments %j", async (...args) => {
    await expect(startCli(args)).rejects.toThrow(/exited with 2/);
  });
});
