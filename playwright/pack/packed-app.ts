/**
 * Checks the published package the way a new user meets it: `npm pack`, a fresh Vite app in a temp
 * folder that installs the tarball (this reaches the npm registry), the quick start of
 * docs/client.md as written, then two tabs under the dev server and under `vite build` + `vite
 * preview`: both tabs print the function result and the server counts one login for both.
 * Not part of `npm test` (it installs packages). Usage: npm run test:pack
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../../playwright.config.js";
import { startTestServer, type TestServer } from "../../src/testing/server.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status})`);
}

/** Starts `npx vite <mode>` in the app and resolves with its URL. */
function startVite(cwd: string, mode: "dev" | "preview"): Promise<{ url: string; child: ChildProcess }> {
  const args = mode === "dev" ? ["--host", "127.0.0.1", "--port", "0"] : ["preview", "--host", "127.0.0.1", "--port", "0"];
  // The app's own vite binary, not `npx vite`: killing npx would leave vite running.
  const child = spawn(join(cwd, "node_modules/.bin/vite"), args, { cwd, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vite ${mode} did not start`)), 30_000);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stripVTControlCharacters(out))?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    });
    child.on("exit", (code) => reject(new Error(`vite ${mode} exited (${code})`)));
  });
}

/** Opens two tabs; each must log the function result `3` (the quick start's console output). */
async function twoTabs(url: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    for (let i = 0; i < 2; i += 1) {
      const page = await context.newPage();
      const printed = new Promise<void>((resolve, reject) => {
        page.on("console", (m) => { if (m.text() === "3") resolve(); });
        page.on("pageerror", (e) => reject(e));
        setTimeout(() => reject(new Error(`tab ${i + 1} did not print the function result`)), 20_000);
      });
      await page.goto(url);
      await printed;
    }
  } finally {
    await browser.close();
  }
}

async function check(app: string, mode: "dev" | "preview", server: TestServer): Promise<void> {
  const before = (await server.counters()).logins;
  const { url, child } = await startVite(app, mode);
  try {
    await twoTabs(url);
  } finally {
    child.kill();
  }
  const logins = (await server.counters()).logins - before;
  if (logins !== 1) throw new Error(`${mode}: expected one login shared by both tabs, saw ${logins}`);
  console.log(`packed app, ${mode}: two tabs, one login, function result printed in both`);
}

const work = mkdtempSync(join(tmpdir(), "realm-tabs-pack-"));
const server = await startTestServer({ appId: "my-app-id" });
try {
  run("npm", ["pack", "--pack-destination", work], repo);
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  const app = join(work, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  writeFileSync(join(app, "index.html"), '<!doctype html><html><body><script type="module" src="/src/main.ts"></script></body></html>');
  // The quick start's main.ts, with the local server's URL.
  writeFileSync(join(app, "src/main.ts"), `import { App, Credentials } from "realm-tabs";

const app = new App({ id: "my-app-id", baseUrl: ${JSON.stringify(server.url)} });
await app.ready;
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
console.log(await user.functions.sum(1, 2));
user.addListener(() => console.log("user changed:", user.state, user.accessToken));
app.addListener(() => console.log("current user:", app.currentUser?.id ?? "none"));
`);
  run("npm", ["install", "--no-audit", "--no-fund", tarball, "vite@^8.3.8"], app);
  await check(app, "dev", server);
  run("npx", ["vite", "build"], app);
  await check(app, "preview", server);
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
