import { existsSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../test/appServer.js";

// Static hosting of an exported app: hosting/files at the server's root, with hosting/metadata.json's
// attributes, as App Services served it at the app's hosting domain.
const SITE = {
  "hosting/files/index.html": "<!doctype html><title>spa</title>",
  "hosting/files/app.js": "console.log('spa');",
  "hosting/files/styles/site.css": "body { margin: 0 }",
  "hosting/files/data/report.bin": "REPORT",
  "hosting/files/404.html": "<p>no such page</p>",
};
const METADATA = [
  {
    path: "/data/report.bin",
    attrs: [
      { name: "Content-Type", value: "application/x-report" },
      { name: "Content-Disposition", value: 'attachment; filename="report.bin"' },
      { name: "Cache-Control", value: "no-store" },
    ],
  },
  { path: "/old.html", attrs: [{ name: "Website-Redirect-Location", value: "https://example.com/new.html" }] },
];

let spa: AppServer;
let site: AppServer;

beforeAll(async () => {
  spa = await startAppServer({
    ...SITE,
    "hosting/config.json": { enabled: true, default_response_code: 200, default_error_path: "/index.html" },
    "hosting/metadata.json": METADATA,
  });
  site = await startAppServer({ ...SITE, "hosting/config.json": { enabled: true, default_error_path: "/404.html" } });
});

afterAll(async () => {
  await spa.close();
  await site.close();
});

/** A request with the path exactly as written (fetch would normalise `..`). */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("static hosting", () => {
  it("serves hosted files at their resource paths, / as index.html, with inferred content types and caching validators", async () => {
    const root = await fetch(`${spa.server.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await root.text()).toBe(SITE["hosting/files/index.html"]);
    const js = await fetch(`${spa.server.url}/app.js`);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    const etag = js.headers.get("etag");
    expect(etag).toBeTruthy();
    // (fetch would add Cache-Control: no-cache to a conditional request)
    expect((await raw(spa.server.url, "GET", "/app.js", { "If-None-Match": etag ?? "" })).status).toBe(304);
    expect(await (await fetch(`${spa.server.url}/styles/site.css`)).text()).toBe("body { margin: 0 }");
    const head = await fetch(`${spa.server.url}/app.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(SITE["hosting/files/app.js"].length));
  });

  it.skipIf(!existsSync("/proc/self/fd"))("opens one file per answer and closes it: hundreds of requests leave no file open", async () => {
    const openFiles = () => readdirSync("/proc/self/fd").length;
    const before = openFiles();
    for (let i = 0; i < 300; i++) await (await fetch(`${spa.server.url}/app.js`)).text();
    for (let i = 0; i < 100; i++) await (await fetch(`${site.server.url}/nope-${i}.html`)).text();
    // (an earlier version opened the fallback file once more for every answer, and never closed it)
    expect(openFiles() - before).toBeLessThan(30);
  });

  it("applies a file's metadata attributes, and redirects as Website-Redirect-Location says", async () => {
    const report = await fetch(`${spa.server.url}/data/report.bin`);
    expect(report.headers.get("content-type")).toBe("application/x-report");
    expect(report.headers.get("content-disposition")).toBe('attachment; filename="report.bin"');
    expect(report.headers.get("cache-control")).toBe("no-store");
    const moved = await fetch(`${spa.server.url}/old.html`, { redirect: "manual" });
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("https://example.com/new.html");
  });

  it("answers a path with no file with the single-page app's root and 200, or the custom 404 page and 404", async () => {
    const route = await fetch(`${spa.server.url}/todos/42?tab=done`);
    expect(route.status).toBe(200);
    expect(await route.text()).toBe(SITE["hosting/files/index.html"]);
    const missing = await fetch(`${site.server.url}/nope.html`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe(SITE["hosting/files/404.html"]);
  });

  it("answers for the default error path's file whole, whatever ranges or validators the request carries", async () => {
    const ranged = await raw(spa.server.url, "GET", "/todos/42", { Range: "bytes=0-3" });
    expect(ranged).toEqual({ status: 200, body: SITE["hosting/files/index.html"] });
    const etag = (await fetch(`${site.server.url}/404.html`)).headers.get("etag") ?? "";
    expect(await raw(site.server.url, "GET", "/nope.html", { "If-None-Match": etag })).toEqual({
      status: 404,
      body: SITE["hosting/files/404.html"],
    });
  });

  it("never serves a file from outside hosting/files, and leaves the client API's and endpoints' paths alone", async () => {
    for (const path of ["/../root_config.json", "/%2e%2e/root_config.json", "/styles/..%2f..%2froot_config.json"]) {
      const res = await raw(spa.server.url, "GET", path);
      expect(res.body).not.toContain("test-app");
      expect([200, 403, 404]).toContain(res.status);
    }
    const location = await fetch(`${spa.server.url}/api/client/v2.0/app/test-app/location`);
    expect(location.status).toBe(200);
    const unknown = await fetch(`${spa.server.url}/api/client/v2.0/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_code: expect.any(String) });
    const endpoint = await fetch(`${spa.server.url}/app/test-app/endpoint/none`);
    expect(endpoint.headers.get("content-type")).toMatch(/json/);
    const admin = await fetch(`${spa.server.url}/admin/v1/nothing-here`);
    expect(admin.status).toBe(404);
    expect(admin.headers.get("content-type")).toMatch(/json/);
  });
});

describe("hosting and symbolic links", () => {
  it("a link that leads out of hosting/files is no file; a link within it is served", async () => {
    const app = await startAppServer({
      "hosting/files/index.html": "<p>home</p>",
      "outside/secret.txt": "SECRET",
      "hosting/config.json": { enabled: true },
    });
    try {
      symlinkSync(join(app.dir, "outside"), join(app.dir, "hosting/files/linked"));
      symlinkSync(join(app.dir, "outside/secret.txt"), join(app.dir, "hosting/files/secret.txt"));
      symlinkSync(join(app.dir, "hosting/files/index.html"), join(app.dir, "hosting/files/home.html"));
      for (const path of ["/linked/secret.txt", "/secret.txt", "/linked/", "/linked"]) {
        const res = await raw(app.server.url, "GET", path);
        expect(res.status, path).toBe(404);
        expect(res.body, path).not.toContain("SECRET");
      }
      // a path that leaves the folder by itself gets send's answer, whether or not its target exists
      const existing = await raw(app.server.url, "GET", "/%2e%2e/%2e%2e/outside/secret.txt");
      const absent = await raw(app.server.url, "GET", "/%2e%2e/%2e%2e/outside/absent.txt");
      expect(existing.status).toBe(absent.status);
      expect(existing.body).not.toContain("SECRET");
      const home = await fetch(`${app.server.url}/home.html`);
      expect([home.status, await home.text()]).toEqual([200, "<p>home</p>"]);
    } finally {
      await app.close();
    }
  });
});

describe("hosting config", () => {
  it("is refused at start for an unknown attribute or a default error path that is not hosted; disabled hosting is not served", async () => {
    await expect(
      startAppServer({
        ...SITE,
        "hosting/config.json": { enabled: true },
        "hosting/metadata.json": [{ path: "/a", attrs: [{ name: "X-Nope", value: "1" }] }],
      }),
    ).rejects.toThrow("invalid app: hosting/metadata.json: /a: unknown file metadata attribute X-Nope");
    await expect(
      startAppServer({
        ...SITE,
        "hosting/config.json": { enabled: true },
        "hosting/metadata.json": [{ path: "/a", attrs: [{ name: "Cache-Control", value: "no-store\r\nSet-Cookie: a=b" }] }],
      }),
    ).rejects.toThrow("invalid app: hosting/metadata.json: /a: the value of Cache-Control is not a valid header value");
    for (const path of ["/gone.html", "/../root_config.json", "/styles"]) {
      await expect(startAppServer({ ...SITE, "hosting/config.json": { enabled: true, default_error_path: path } })).rejects.toThrow(
        `invalid app: hosting/config.json: default_error_path ${path} is not a file of hosting/files`,
      );
    }
    const off = await startAppServer({ ...SITE, "hosting/config.json": { enabled: false } });
    try {
      expect((await fetch(`${off.server.url}/index.html`)).status).toBe(404);
      expect(off.server.warnings).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
