/**
 * Benchmark 5: bundle size of the two benchmark pages as Vite builds them (minified, gzip level 9).
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { closeAll, openSignedInTabs } from "../lib/browser.js";
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";
import { kib, ratio } from "../lib/stats.js";
import { benchRoot } from "../vite.config.js";
import { LOADED_AT_ONCE, measureQuickStart } from "../size/quickstart.js";

/**
 * Sizes of one build: page entry (entry chunk + static imports), the chunks every page loads right
 * after (the runtime connection `new App()` imports at once, with their static imports), the other
 * lazy chunks, worker assets.
 */
export interface BundleSizes {
  entry: { raw: number; gz: number };
  atOnce: { raw: number; gz: number };
  lazy: { raw: number; gz: number };
  worker: { raw: number; gz: number };
}

const add = (a: { raw: number; gz: number }, code: string | Uint8Array): void => {
  const buf = typeof code === "string" ? Buffer.from(code) : Buffer.from(code);
  a.raw += buf.length;
  a.gz += gzipSync(buf, { level: 9 }).length;
};

/** The fields of a Vite (Rolldown) output chunk or asset this benchmark reads. */
export type BuildItem =
  | {
      type: "chunk";
      fileName: string;
      isEntry: boolean;
      imports: string[];
      code: string;
      modules?: Record<string, unknown>;
      facadeModuleId?: string | null;
    }
  | { type: "asset"; fileName: string };

/** Measures a Vite build output (its chunks and assets; worker bundles are assets). */
export function measureBuild(items: readonly BuildItem[], outDir: string): BundleSizes {
  const sizes: BundleSizes = { entry: { raw: 0, gz: 0 }, atOnce: { raw: 0, gz: 0 }, lazy: { raw: 0, gz: 0 }, worker: { raw: 0, gz: 0 } };
  const chunks = new Map(items.flatMap((i) => (i.type === "chunk" ? [i] : [])).map((c) => [c.fileName, c]));
  const visit = (name: string, into: Set<string>, seen: ReadonlySet<string>): void => {
    const chunk = chunks.get(name);
    if (!chunk || into.has(name) || seen.has(name)) return;
    into.add(name);
    for (const i of chunk.imports) visit(i, into, seen);
  };
  const inEntry = new Set<string>();
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName, inEntry, new Set());
  const atOnce = new Set<string>();
  for (const c of chunks.values()) {
    const held = [...Object.keys(c.modules ?? {}), c.facadeModuleId ?? ""];
    if (held.some((m) => LOADED_AT_ONCE.some((p) => p.test(m)))) visit(c.fileName, atOnce, inEntry);
  }
  for (const c of chunks.values()) add(inEntry.has(c.fileName) ? sizes.entry : atOnce.has(c.fileName) ? sizes.atOnce : sizes.lazy, c.code);
  for (const a of items) if (a.type === "asset" && a.fileName.endsWith(".js")) add(sizes.worker, readFileSync(`${outDir}/${a.fileName}`));
  return sizes;
}

/** min and gz bytes of the scripts a signed-in tab of the built page actually fetched. */
async function loadedScripts(env: BenchEnv, page: "tabs" | "web"): Promise<{ raw: number; gz: number; files: number }> {
  const context = await env.browser.newContext();
  try {
    const { pages } = await openSignedInTabs(context, env.url(page, env.server), 2);
    const paths = await pages[1]!.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((e) => new URL(e.name).pathname)
        .filter((p) => p.endsWith(".js")),
    );
    await closeAll(pages);
    const sum = { raw: 0, gz: 0 };
    for (const path of new Set(paths)) add(sum, readFileSync(`${benchRoot}dist${path}`));
    return { ...sum, files: new Set(paths).size };
  } finally {
    await context.close();
  }
}

/** Benchmark 5 (the builds were made by the runner before the browser started). */
export async function bundleBenchmark(env: BenchEnv, tabs: BundleSizes, web: BundleSizes): Promise<Section> {
  const loadedTabs = await loadedScripts(env, "tabs");
  const loadedWeb = await loadedScripts(env, "web");
  const quickTabs = await measureQuickStart("tabs", `${benchRoot}dist/size/tabs`);
  const quickWeb = await measureQuickStart("web", `${benchRoot}dist/size/web`);
  const total = (s: BundleSizes): number => s.entry.gz + s.atOnce.gz + s.worker.gz;
  const row = (label: string, t: { raw: number; gz: number }, w: { raw: number; gz: number }): string[] => [
    label,
    kib(t.raw),
    kib(t.gz),
    kib(w.raw),
    kib(w.gz),
    ratio(t.gz, w.gz),
  ];
  return {
    title: "Bundle size",
    workload:
      "The two benchmark pages (bench/pages/tabs and bench/pages/web: the same page code — log in, call a function, log out, a ticker — over each library), each built alone by Vite 8 (`vite build`, default minifier) with bench/vite.config.ts. " +
      "Entry = the JavaScript a tab loads at start (entry chunk and its static imports); worker = the SharedWorker bundle (realm-tabs only; loaded once per browser, not per tab); sizes gzip level 9.",
    header: ["part", "realm-tabs min", "realm-tabs min+gz", "realm-web min", "realm-web min+gz", "gz tabs ÷ web"],
    rows: [
      row(
        `quick start: scripts a tab loads at start (${quickTabs.initial.files.length} / ${quickWeb.initial.files.length} files)`,
        quickTabs.initial,
        quickWeb.initial,
      ),
      row(
        `quick start: loaded right after start, by \`new App()\` (${quickTabs.atOnce.files.length} / ${quickWeb.atOnce.files.length} files)`,
        quickTabs.atOnce,
        quickWeb.atOnce,
      ),
      row(
        "quick start: loaded later if ever (bson, fallback modes, watch; the worker's watch streams, account features and memory fallback)",
        quickTabs.lazy,
        quickWeb.lazy,
      ),
      [
        "quick start: at start + right after + SharedWorker",
        "",
        kib(quickTabs.initial.gz + quickTabs.atOnce.gz + quickTabs.worker.gz),
        "",
        kib(quickWeb.initial.gz + quickWeb.atOnce.gz),
        ratio(quickTabs.initial.gz + quickTabs.atOnce.gz + quickTabs.worker.gz, quickWeb.initial.gz + quickWeb.atOnce.gz),
      ],
      row("benchmark page entry (imports BSON for its payloads)", tabs.entry, web.entry),
      row("benchmark page: loaded right after start, by `new App()`", tabs.atOnce, web.atOnce),
      row("lazy chunks (fallback modes without SharedWorker)", tabs.lazy, web.lazy),
      row("SharedWorker (with the files it loads on first use)", tabs.worker, web.worker),
      ["entry + right after + worker", "", kib(total(tabs)), "", kib(total(web)), ratio(total(tabs), total(web))],
      row(`scripts a signed-in tab fetched (${loadedTabs.files} / ${loadedWeb.files} files, worker not included)`, loadedTabs, loadedWeb),
    ],
    notes: [
      'The last row reads the second tab\'s `performance.getEntriesByType("resource")`: it shows the lazy chunks are not fetched when SharedWorker works.',
      "Quick start = the README's quick start (bench/quickstart/: log in, call a function, add listeners) built by Vite with no config, over realm-tabs as the package ships it (dist/, built by `npm run build` at the start of the run); gzip is summed per file. The worker loads its watch streams and its account features (API keys, email/password, redirect login, realm-web import, deleting, linking and re-reading users) on first use, and its session store's memory fallback when IndexedDB first fails, from three files the package ships beside it, which the build copies; they count as loaded later. At start realm-tabs loads the API classes and the mirror of the last known state only; `new App()` imports the runtime connection (mode choice, SharedWorker connect, event gate, Comlink) at once, so every page loads that chunk right after start and it counts in the total with the SharedWorker. bson is loaded when a value needs it (an ObjectId in an argument or result), the fallback modes when chosen, the code of the MongoDB methods, `watch()`, `user.apiKeys` and `app.emailPasswordAuth` on their first call; `npm test` fails if bson, a fallback mode, the connection or Comlink comes back into the start, or the bytes exceed the budgets (bench/size/check.ts).",
      "The benchmark pages import `BSON` for their payloads, so their entry holds bson with either library. They import realm-tabs by name, so they are built over the package as it ships (dist/), like the quick start; the SharedWorker row counts the worker and the three files it loads on first use. The worker carries the session runtime, its receiver of Comlink's protocol and its IndexedDB helpers: no comlink or idb module.",
    ],
  };
}
