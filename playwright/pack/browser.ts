/**
 * The browser side of the pack suite: the app's own `vite` (dev server or preview of its build) and
 * two Chromium tabs of one context that must both print the quick start's function result.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../playwright.config.js";
import { killGroup } from "./npm.js";

/** A running `vite` or `vite preview`. */
export interface ViteServer {
  url: string;
  stop(): void;
  /** What vite printed so far that names a source map (e.g. one pointing to missing source files). */
  sourceMapWarnings(): string[];
}

/**
 * Starts the app's own vite binary (`dev` or `preview`) on 127.0.0.1, a free port, and resolves with
 * its URL. It runs in its own process group, which `stop` ends.
 * @throws Error if vite prints no local URL within 30 s or exits first
 */
export function startVite(app: string, mode: "dev" | "preview"): Promise<ViteServer> {
  const args = mode === "dev" ? ["--host", "127.0.0.1", "--port", "0"] : ["preview", "--host", "127.0.0.1", "--port", "0"];
  const child = spawn(join(app, "node_modules/.bin/vite"), args, { cwd: app, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const stop = (): void => killGroup(child.pid, "SIGTERM");
  let printed = "";
  child.stderr.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    printed += chunk.toString();
  });
  const sourceMapWarnings = (): string[] =>
    stripVTControlCharacters(printed)
      .split("\n")
      .filter((line) => /source ?map/i.test(line));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`vite ${mode} printed no local URL within 30 s`));
    }, 30_000);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      printed += chunk.toString();
      const url = /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stripVTControlCharacters(out))?.[1]; // vite colours its output
      if (url) {
        clearTimeout(timer);
        resolve({ url, stop, sourceMapWarnings });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`vite ${mode} exited (${code})`));
    });
  });
}

/** The Chromium every Playwright test of this repository uses. */
export function chromiumPath(): string {
  return process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
}

/** The launch flags of playwright.config.ts, for a consumer's own Playwright config. */
export { CHROMIUM_ARGS };

/**
 * Opens `url` in two tabs of one context, one after the other; each must print the function result
 * `3` on its console (the quick start's `console.log(await user.functions.sum(1, 2))`).
 * @throws Error naming the tab that printed an error or nothing within 20 s
 */
export async function twoTabsPrintSum(url: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    for (let i = 1; i <= 2; i += 1) {
      const page = await context.newPage();
      const sum = printed(page, "3", `tab ${i}`);
      sum.catch(() => undefined); // awaited below, after the page loaded
      await page.goto(url);
      await sum;
    }
  } finally {
    await browser.close();
  }
}

/** Resolves when `page` prints `text` (or a line it matches) on its console; rejects on a page error or after 20 s. */
function printed(page: Page, text: string | RegExp, tab: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tab} did not print ${String(text)} within 20 s`)), 20_000);
    page.on("console", (m) => {
      if (typeof text === "string" ? m.text() === text : text.test(m.text())) {
        clearTimeout(timer);
        resolve();
      }
    });
    page.on("pageerror", (e) => {
      clearTimeout(timer);
      reject(new Error(`${tab}: ${e.message}`));
    });
  });
}

/**
 * Opens `watch.html` (consumer.ts `writeWatchPage`) in a tab that watches, and once its stream is
 * open in a second tab that inserts; the first must print the insert's change event, the second the
 * server's answer to its API-key listing.
 * @param url - the app's base URL (ends with `/`)
 * @param query - added to both tabs' query (`own-worker`: the app's own worker file)
 * @throws Error naming the tab that printed an error or not what it should within 20 s
 */
export async function watchSeesInsert(url: string, query = ""): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const watcher = await context.newPage();
    const watching = printed(watcher, "watching", "the watching tab");
    const changed = printed(watcher, "change insert", "the watching tab");
    changed.catch(() => undefined); // awaited below, after the insert
    await watcher.goto(`${url}watch.html${query ? `?${query}` : ""}`);
    await watching;
    const inserter = await context.newPage();
    const inserted = printed(inserter, "inserted", "the inserting tab");
    const keys = printed(inserter, /^api keys (listed|refused by the server)$/, "the inserting tab");
    keys.catch(() => undefined); // awaited below
    await inserter.goto(`${url}watch.html?insert${query ? `&${query}` : ""}`);
    await inserted;
    await changed;
    await keys;
  } finally {
    await browser.close();
  }
}
