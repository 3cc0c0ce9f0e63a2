import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ATLAS, ownerOnly, writeApp } from "../test/appDir.js";
import { startCli, type StartedCli } from "../test/cli.js";
import { TestClient } from "../test/testClient.js";

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
      const { child, url, stdout, exited } = await start([
        "--port",
        "0",
        "--app-id",
        "cli-app",
        "--data",
        dir,
        "--admin-token",
        "cli-admin-token",
        "--access-token-ttl",
        "60",
      ]);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/api/client/v2.0/app/cli-app/location`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(200);
      const admin = await fetch(`${url}/admin/v1/counters`, {
        headers: { authorization: "Bearer cli-admin-token" },
        signal: AbortSignal.timeout(5000),
      });
      expect(admin.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout()).toBe(`listening on ${url}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 0 on a signal sent the moment the listening line arrives (handlers are installed before it)", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const { exited } = await startCli(["--in-memory", "--port", "0"], children, {
        entry: "server/dist/cli.js",
        onListening: (child) => child.kill(signal),
      });
      expect(await exited).toBe(0);
    }
  });

  it("runs as the compiled bin (server/dist/cli.js) and stops on SIGINT", async () => {
    const { child, url, exited } = await start(["--in-memory", "--port", "0"], "server/dist/cli.js");
    const res = await fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/location`, { signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(200);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("runs an exported app with owner-only rules (--app) and lists what it cannot run on stderr", async () => {
    const dir = await writeApp({
      "root_config.json": { name: "cli-rules" },
      "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/demo/private/rules.json": ownerOnly("demo", "private"),
      "triggers/audit.json": {
        name: "audit",
        type: "DATABASE",
        config: { database: "demo", collection: "private", operation_types: ["INSERT"] },
        event_processors: { AWS_EVENTBRIDGE: { config: { account_id: "1", region: "us-east-1" } } },
      },
    });
    try {
      const { child, url, stdout, stderr, exited } = await start(["--app", dir, "--in-memory", "--port", "0"]);
      const c = new TestClient(url, "cli-rules");
      const [alice, mallory] = [await c.logIn("anon-user"), await c.logIn("anon-user")];
      const call = (token: string, name: string, arg: Record<string, unknown>) =>
        c.request("POST", c.app("/functions/call"), {
          token,
          body: { name, service: "mongodb-atlas", arguments: [{ database: "demo", collection: "private", ...arg }] },
        });
      expect((await call(alice.access_token, "insertOne", { document: { owner_id: alice.user_id, note: "mine" } })).status).toBe(200);
      expect((await call(mallory.access_token, "find", {})).body).toEqual([]);
      const planted = await call(mallory.access_token, "insertOne", { document: { owner_id: alice.user_id, note: "planted" } });
      expect(planted.status).toBe(403);
      expect(planted.body).toMatchObject({ error: "insert not permitted" });
      expect(((await call(alice.access_token, "find", {})).body as { note: string }[]).map((d) => d.note)).toEqual(["mine"]);
      await expect
        .poll(stderr, { timeout: 5000 })
        .toContain(
          "not supported: triggers/audit.json: trigger audit sends its events to AWS EventBridge, which this server cannot reach: it is not run",
        );
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout()).toBe(`listening on ${url}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("warns on stderr when --allow-all-data opens all data, and refuses --app with --functions", async () => {
    const { child, url, stderr, exited } = await start(["--in-memory", "--port", "0", "--allow-all-data"]);
    expect((await fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/location`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    await expect.poll(stderr, { timeout: 5000 }).toMatch(/allowAllData: every logged-in user/);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(start(["--in-memory", "--port", "0", "--app", "demo/app", "--functions", "demo/app/functions"])).rejects.toThrow(
      /exited with 1[\s\S]*cannot be combined with an app directory/,
    );
  });

  it("--allow-any-origin opens CORS and --public-url sets the location hostname", async () => {
    const { child, url, exited } = await start(["--in-memory", "--allow-any-origin", "--public-url", "https://realm.example.com"]);
    const res = await fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/location`, {
      headers: { origin: "https://elsewhere.example" },
      signal: AbortSignal.timeout(5000),
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://elsewhere.example");
    expect(await res.json()).toMatchObject({ hostname: "https://realm.example.com" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("--dev-oauth turns on the OAuth stand-in (off without it) and is refused when NODE_ENV=production", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rt-cli-"));
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ authProviders: { "anon-user": {}, "oauth2-google": {} } }));
    const device = Buffer.from(JSON.stringify({ sdkVersion: "t", deviceId: { $oid: "65a1b2c3d4e5f60718293a4b" } })).toString("base64");
    const query = new URLSearchParams({ redirect: "http://127.0.0.1:5555/auth-redirect.html", state: "abcdefghijkl", device });
    const login = (url: string) =>
      fetch(`${url}/api/client/v2.0/app/realm-tabs-demo/auth/providers/oauth2-google/login?${query.toString()}`, {
        redirect: "manual",
        signal: AbortSignal.timeout(5000),
      });
    try {
      const on = await start(["--in-memory", "--port", "0", "--config", config, "--dev-oauth"]);
      const started = await login(on.url);
      expect(started.status).toBe(302);
      expect(new URL(started.headers.get("location") ?? "", on.url).pathname).toBe("/api/client/v2.0/dev-oauth/authorize");
      on.child.kill("SIGTERM");
      expect(await on.exited).toBe(0);

      const off = await start(["--in-memory", "--port", "0", "--config", config]);
      const refused = await login(off.url);
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ error_code: "AuthProviderNotFound" });
      off.child.kill("SIGTERM");
      expect(await off.exited).toBe(0);

      await expect(
        startCli(["--in-memory", "--port", "0", "--config", config, "--dev-oauth"], children, { env: { NODE_ENV: "production" } }),
      ).rejects.toThrow(/exited with 1[\s\S]*devOAuth \(--dev-oauth[\s\S]*refused when NODE_ENV=production/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 on bad arguments and prints the error once, then the usage once", async () => {
    // each bad argument's message: cliArgs.test.ts
    const failed = start(["--port", "abc"]);
    await expect(failed).rejects.toThrow(/exited with 2/);
    const message = await failed.then(
      () => "",
      (err: unknown) => String(err),
    );
    expect(message.match(/--port must be an integer >= 0/g)).toHaveLength(1);
    expect(message.match(/usage: realm-tabs-server/g)).toHaveLength(1);
  });
});
