/**
 * HTTP hardening: CORS limited to loopback origins or the app's allowed origins, `/location` that
 * ignores the Host header, request timeouts for slow bodies, a connection cap, and function
 * workers with a heap limit.
 */
import { connect, type Socket } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer, type StartServerOptions } from "../index.js";
import { TestClient } from "../../test/testClient.js";

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(options: StartServerOptions = {}): Promise<{ server: RunningServer; c: TestClient }> {
  const server = await startServer({ inMemory: true, appId: "hard", ...options });
  servers.push(server);
  return { server, c: new TestClient(server.url, "hard") };
}

function preflight(server: RunningServer, origin: string): Promise<Response> {
  return fetch(`${server.url}/api/client/v2.0/app/hard/functions/call`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    signal: AbortSignal.timeout(5000),
  });
}

describe("CORS", () => {
  it("allows loopback origins by default and refuses others", async () => {
    const { server, c } = await start();
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:4000", "http://[::1]:8080", "https://localhost"]) {
      const res = await preflight(server, origin);
      expect(res.status, origin).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin"), origin).toBe(origin);
    }
    for (const origin of ["https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.evil.example", "null"]) {
      const res = await preflight(server, origin);
      expect(res.headers.get("access-control-allow-origin"), origin).toBeNull();
      // a request that a page on that origin could send without a preflight is refused too
      const simple = await c.request("GET", c.app("/location"), { headers: { origin } });
      expect(simple.status, origin).toBe(403);
      expect(simple.headers.get("access-control-allow-origin")).toBeNull();
    }
    // requests without an Origin (curl, Node, realm-web in Node) are not affected
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
  });

  it("takes the app's allowed origins instead of loopback", async () => {
    const { server } = await start({ allowedOrigins: ["https://app.example.com"] });
    expect((await preflight(server, "https://app.example.com")).headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect((await preflight(server, "http://localhost:5173")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("--allow-any-origin opens it", async () => {
    const { server } = await start({ allowAnyOrigin: true });
    expect((await preflight(server, "https://anywhere.example")).headers.get("access-control-allow-origin")).toBe(
      "https://anywhere.example",
    );
  });
});

describe("location", () => {
  it("answers the listening address whatever the Host header says", async () => {
    const { server } = await start();
    // fetch() will not send a forged Host header, a raw socket will
    const socket = await rawSocket(server);
    socket.write("GET /api/client/v2.0/app/hard/location HTTP/1.1\r\nHost: attacker.example:666\r\nConnection: close\r\n\r\n");
    const reply = await closed(socket, 5000);
    const body = JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({ hostname: server.url, ws_hostname: server.url.replace(/^http/, "ws") });
    expect(reply).not.toContain("attacker.example");
  });

  it("answers the configured public URL", async () => {
    const { c } = await start({ publicUrl: "https://realm.example.com/" });
    const res = await c.request("GET", c.app("/location"));
    expect(res.body).toMatchObject({ hostname: "https://realm.example.com", ws_hostname: "wss://realm.example.com" });
  });
});

/** Opens a raw connection; resolves when connected. */
function rawSocket(server: RunningServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves with what the server sent once it closes the connection (deadline `ms`). */
function closed(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

describe("timeouts and connection cap", () => {
  it("ends a request whose body never finishes arriving", async () => {
    const { server, c } = await start({ config: { limits: { requestTimeoutMs: 500 } } });
    const socket = await rawSocket(server);
    socket.write(
      'POST /api/client/v2.0/app/hard/auth/providers/anon-user/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"opt',
    );
    const reply = await closed(socket, 5000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error_code: "RequestTimeout" });
    // meanwhile and afterwards, other requests are served
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
  });

  it.each([
    ["a malformed request line", "NOT HTTP AT ALL\r\n\r\n", 400],
    ["a header without a colon", "GET /api/client/v2.0/app/hard/location HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n", 400],
    ["a GET body without a length", "GET /x HTTP/1.1\r\nHost: x\r\n\r\nstray bytes that are no request", 400],
    ["headers over the size limit", `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
  ])("answers %s with an App Services error body", async (_label, text, status) => {
    const { server, c } = await start();
    const socket = await rawSocket(server);
    socket.write(text);
    const reply = await closed(socket, 5000);
    expect(reply).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: expect.any(String), error_code: "BadRequest" });
    expect((await c.request("GET", c.app("/location"))).status).toBe(200);
  });

  it("refuses connections over the cap and serves again once they close", async () => {
    const { server, c } = await start({ config: { limits: { maxConnections: 3 } } });
    const held = await Promise.all([rawSocket(server), rawSocket(server), rawSocket(server)]);
    const extra = await rawSocket(server);
    await closed(extra, 5000);
    for (const s of held) s.destroy();
    await expect
      .poll(async () => (await c.request("GET", c.app("/location")).catch(() => ({ status: 0 }))).status, { timeout: 5000 })
      .toBe(200);
  });
});

describe("function worker memory", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rt-heap-"));
    await writeFile(
      join(dir, "bomb.js"),
      "exports = function () { const hoard = []; for (;;) hoard.push(new Array(1e6).fill(hoard.length)); };",
    );
    await writeFile(join(dir, "ok.js"), "exports = function () { return 'ok'; };");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("a heap bomb ends that call with an error; the process stays under control and serves the next call", async () => {
    const { c } = await start({ functionsDir: dir, config: { functionTimeoutMs: 60_000, limits: { functionMemoryMb: 64 } } });
    const user = await c.logIn("anon-user");
    const call = (name: string) =>
      c.request("POST", c.app("/functions/call"), { token: user.access_token, body: { name, arguments: [] }, timeoutMs: 60_000 });
    // what the call added (the process is shared with other test files, so not its whole size)
    const before = process.memoryUsage().rss;
    const bomb = await call("bomb");
    expect(bomb.status).toBe(400);
    expect(bomb.body).toMatchObject({ error_code: "FunctionExecutionError", error: expect.stringMatching(/memory/i) });
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    const ok = await call("ok");
    expect(ok.body).toBe("ok");
  }, 90_000);
});
