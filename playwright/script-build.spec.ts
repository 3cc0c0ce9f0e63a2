/**
 * The `<script>` build: a plain HTML page with no bundler, served as static files, loads
 * realm-tabs.iife.js (the global `Realm`), which starts its SharedWorker from realm-tabs.worker.js
 * beside it. A login in one tab reaches the other, and a function call works there.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { startTestServer, type TestServer } from "../src/testing/server.js";
import { startStaticServer, type StaticServer } from "./script/static-server.js";
import { FUNCTIONS_DIR } from "./fixtures.js";

const repo = fileURLToPath(new URL("..", import.meta.url));

interface ScriptPage {
  mode(): string | null;
  logIn(): Promise<string>;
  currentUserId(): string | null;
  sum(a: number, b: number): Promise<number>;
  isBson(): boolean;
}
declare global {
  interface Window {
    scriptPage?: ScriptPage;
  }
}

let server: TestServer;
let files: StaticServer;
let out: string;

test.beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "realm-tabs-script-"));
  // the build the package ships (scripts/build-iife.mjs), written into a private folder
  const build = spawnSync("node", ["scripts/build-iife.mjs", out], { cwd: repo, encoding: "utf8", timeout: 120_000 });
  expect(build.status, build.stderr).toBe(0);
  server = await startTestServer({ functionsDir: FUNCTIONS_DIR, onWarning: () => undefined });
  files = await startStaticServer({
    "/index.html": `${repo}playwright/script/index.html`,
    "/realm-tabs.iife.js": join(out, "realm-tabs.iife.js"),
    "/realm-tabs.worker.js": join(out, "realm-tabs.worker.js"),
  });
});

test.afterAll(async () => {
  await files?.close();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

async function open(page: Page): Promise<void> {
  await page.goto(`${files.url}/index.html?server=${encodeURIComponent(server.url)}&app=${encodeURIComponent(server.appId)}`);
  await expect(page.locator("#status")).toHaveText("ready");
}

test("a page without a bundler: the global Realm, its SharedWorker beside the script, a login seen by the other tab, a function call", async ({
  context,
}) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await open(a);
  await open(b);
  expect(await a.evaluate(() => window.scriptPage!.mode())).toBe("shared-worker");
  expect(files.requested).toContain("/realm-tabs.worker.js");
  expect(await a.evaluate(() => window.scriptPage!.isBson())).toBe(true);

  const id = await a.evaluate(() => window.scriptPage!.logIn());
  await expect(b.locator("#user")).toHaveText(id);
  expect(await b.evaluate(() => window.scriptPage!.currentUserId())).toBe(id);
  expect(await b.evaluate(() => window.scriptPage!.sum(2, 3))).toBe(5);
});
