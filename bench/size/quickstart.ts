/**
 * The quick-start page (bench/quickstart/: the README's quick start over realm-tabs, and the same
 * page over realm-web 2.0.1) built by Vite with no config, the realm-tabs one from the built
 * package (dist/, what `npm pack` ships: run `npm run build:lib` first), and what a tab loads at
 * start: the entry chunk and every chunk it imports statically (the chunks Vite preloads), in min
 * and gzip bytes, with the modules each holds. Apart from that: the chunks every page loads right
 * after start (`new App()` imports the runtime connection at once, see {@link LOADED_AT_ONCE}), and
 * the SharedWorker bundle.
 * @packageDocumentation
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "vite";

/** The quick-start pages. */
export type QuickStartPage = "tabs" | "web";

/** Bytes of a set of scripts. */
export interface Bytes {
  raw: number;
  gz: number;
}

/** The sizes of one quick-start build. */
export interface QuickStartSizes {
  /** The chunks a tab loads at start (entry and static imports). */
  initial: Bytes & { files: string[]; modules: string[] };
  /**
   * The chunks every page loads right after start, not among {@link QuickStartSizes.initial}: those
   * holding a module of {@link LOADED_AT_ONCE}, and their static imports.
   */
  atOnce: Bytes & { files: string[]; modules: string[] };
  /** Chunks loaded later, if ever (the other dynamic imports, and the worker's modules loaded on first use). */
  lazy: Bytes;
  /**
   * The SharedWorker bundle (realm-tabs only), with the modules it holds, and the files of its
   * modules loaded on first use (the package's dist/worker/lazy/, copied as they are; in `lazy`).
   * A module the package ships prebuilt with its source map beside it (dist/worker/entry.js) counts
   * as the modules its map names (see {@link prebuiltModules}).
   */
  worker: Bytes & { modules: string[]; lazyFiles: string[] };
}

interface OutputChunk {
  type: "chunk";
  fileName: string;
  isEntry: boolean;
  facadeModuleId?: string | null;
  imports: string[];
  code: string;
  modules: Record<string, unknown>;
}
interface OutputAsset {
  type: "asset";
  fileName: string;
  source: string | Uint8Array;
}

const here = fileURLToPath(new URL("./", import.meta.url));

/** gzip level 9, as the benchmark reports sizes. */
export function gzipBytes(code: string | Uint8Array): number {
  return gzipSync(typeof code === "string" ? Buffer.from(code) : code, { level: 9 }).length;
}

function add(to: Bytes, code: string | Uint8Array): void {
  to.raw += typeof code === "string" ? Buffer.byteLength(code) : code.length;
  to.gz += gzipBytes(code);
}

/** A source map as {@link prebuiltMap} returns it: its sources absolute paths, no `sourceRoot`. */
export type PrebuiltMap = { version: number; sources: string[]; mappings: string; names?: string[]; file?: string };

/**
 * The source map beside a prebuilt module (`<id>.map`, a query in `id` ignored) with its sources as
 * absolute paths, or null if it has none. The package ships its SharedWorker prebuilt
 * (scripts/build-worker.mjs), so the worker bundle's only module is dist/worker/entry.js.
 */
export function prebuiltMap(id: string): PrebuiltMap | null {
  const mapFile = `${id.replace(/\?.*$/, "")}.map`;
  if (!existsSync(mapFile)) return null;
  const { sourceRoot, ...map } = JSON.parse(readFileSync(mapFile, "utf8")) as PrebuiltMap & { sourceRoot?: string };
  const base = resolve(dirname(mapFile), sourceRoot ?? "");
  return { ...map, sources: (map.sources ?? []).map((source) => resolve(base, source)) };
}

/** The modules a prebuilt module was made of: the sources of its map ({@link prebuiltMap}), or none. */
export function prebuiltModules(id: string): string[] {
  return prebuiltMap(id)?.sources ?? [];
}

/**
 * Builds one quick-start page (Vite, no config file, default options) into `outDir` and measures it.
 * @throws {Error} if the build fails
 */
export async function measureQuickStart(page: QuickStartPage, outDir: string): Promise<QuickStartSizes> {
  const workerModules: string[] = [];
  const workerChunks = new Set<string>();
  // an observer only: it records which chunks and modules the worker bundle holds and changes nothing
  const recordWorkerModules = {
    name: "realm-tabs-size:worker-modules",
    generateBundle(_options: unknown, bundle: Record<string, OutputChunk | OutputAsset>): void {
      for (const item of Object.values(bundle)) {
        if (item.type !== "chunk") continue;
        workerChunks.add(item.fileName);
        for (const id of Object.keys(item.modules)) workerModules.push(id, ...prebuiltModules(id));
      }
    },
  };
  const output = await build({
    configFile: false,
    root: `${here}../quickstart/${page}`,
    logLevel: "silent",
    build: { outDir, emptyOutDir: true },
    worker: { plugins: () => [recordWorkerModules] },
  });
  const items = (Array.isArray(output) ? output : [output]).flatMap((o) =>
    "output" in o ? (o.output as unknown as (OutputChunk | OutputAsset)[]) : [],
  );
  const chunks = new Map(items.flatMap((i) => (i.type === "chunk" ? [i] : [])).map((c) => [c.fileName, c]));
  /** Adds `name` and the chunks it imports statically (the ones loaded with it) to `into`, skipping `seen`. */
  const visit = (name: string, into: Set<string>, seen: ReadonlySet<string>): void => {
    const chunk = chunks.get(name);
    if (!chunk || into.has(name) || seen.has(name)) return;
    into.add(name);
    for (const i of chunk.imports) visit(i, into, seen);
  };
  const initial = new Set<string>();
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName, initial, new Set());
  const atOnce = new Set<string>();
  for (const c of chunks.values()) {
    const held = [...Object.keys(c.modules), c.facadeModuleId ?? ""];
    if (held.some((m) => LOADED_AT_ONCE.some((p) => p.test(m)))) visit(c.fileName, atOnce, initial);
  }
  const sizes: QuickStartSizes = {
    initial: { raw: 0, gz: 0, files: [...initial].sort(), modules: [] },
    atOnce: { raw: 0, gz: 0, files: [...atOnce].sort(), modules: [] },
    lazy: { raw: 0, gz: 0 },
    worker: { raw: 0, gz: 0, modules: workerModules, lazyFiles: [] },
  };
  for (const c of chunks.values()) {
    const into = initial.has(c.fileName) ? sizes.initial : atOnce.has(c.fileName) ? sizes.atOnce : null;
    if (into) {
      add(into, c.code);
      into.modules.push(...Object.keys(c.modules));
    } else add(sizes.lazy, c.code);
  }
  for (const a of items) {
    if (a.type !== "asset" || !a.fileName.endsWith(".js")) continue;
    const code = typeof a.source === "string" ? a.source : readFileSync(`${outDir}/${a.fileName}`);
    if (workerChunks.has(a.fileName)) add(sizes.worker, code);
    else {
      // a script copied as it is: a module the worker loads on first use (dist/worker/lazy/)
      add(sizes.lazy, code);
      sizes.worker.lazyFiles.push(a.fileName);
    }
  }
  return sizes;
}

/**
 * Modules every page loads right after start: `new App()` imports the runtime connection
 * (src/attachment.ts: mode choice, SharedWorker connect, push receiver) at once, so its
 * chunks count with the start in the "tab + SharedWorker" total, though not in the start's budget.
 */
export const LOADED_AT_ONCE: readonly RegExp[] = [/src\/attachment\.[jt]s$/];

/**
 * Modules that must not be in the SharedWorker's bundle: bson (the runtime writes EJSON itself), and
 * the modules the worker loads on first use (worker/features/lazy.ts): the watch streams, the
 * account features and the session store's memory fallback.
 */
export const NOT_IN_WORKER: readonly { what: string; pattern: RegExp }[] = [
  { what: "bson", pattern: /node_modules\/bson\// },
  {
    what: "the watch streams",
    pattern: /(\/worker\/(features\/(watches|watchHub|watchRequest)|io\/sse)\.[jt]s|\/node_modules\/eventsource-parser\/.*)$/,
  },
  {
    what: "the account features",
    pattern: /\/worker\/features\/(accounts|apiKeys|emailPassword|identity|migration|redirectLogin)\.[jt]s$/,
  },
  { what: "the session store's memory fallback", pattern: /\/worker\/(features\/storeFallback|io\/fallbackStore)\.[jt]s$/ },
];

/**
 * Modules that must not be in a tab's scripts at start nor in the chunks it loads right after: the
 * code most pages never run, each loaded on its first use.
 */
export const NOT_EARLY: readonly { what: string; pattern: RegExp }[] = [
  { what: "the channel event gate", pattern: /src\/eventGate\.[jt]s$/ },
  { what: "the fallback modes' degraded reasons", pattern: /src\/modes\/degraded\.[jt]s$/ },
  { what: "the runtime side of the Comlink endpoint", pattern: /src\/protocol\/expose\.[jt]s$/ },
  { what: "the stand-in BroadcastChannel of in-page mode", pattern: /src\/protocol\/pageChannel\.[jt]s$/ },
  { what: "the API-key and email/password calls' code", pattern: /src\/(accountCalls|protocol\/accountArgs)\.[jt]s$/ },
  { what: "the MongoDB methods' code and watch()", pattern: /src\/(mongoOps|watch)\.[jt]s$/ },
];

/** Modules that must not be in a tab's initial scripts: bson, and the fallback modes' code. */
export const NOT_INITIAL: readonly { what: string; pattern: RegExp }[] = [
  { what: "bson", pattern: /node_modules\/bson\// },
  { what: "leader mode", pattern: /src\/modes\/(leader|leader-link|election|endpoint|tunnel)\.[jt]s$/ },
  { what: "in-page mode", pattern: /src\/modes\/in-page-link\.[jt]s$/ },
  { what: "the session runtime", pattern: /\/worker\/(host|session|io|features)\// },
  { what: "broadcast-channel", pattern: /node_modules\/broadcast-channel\// },
  { what: "the runtime connection", pattern: /src\/(attachment|connection|pushReceiver)\.[jt]s$/ },
  { what: "Comlink", pattern: /node_modules\/comlink\// },
];
