/**
 * What the quick-start page's scripts are made of: builds bench/quickstart/tabs (over the built
 * package, dist/: run `npm run build:lib` first; or `web`) with Vite, no config but source maps, and
 * prints for each chunk and for the SharedWorker its gzip bytes and each source module's share. A module's share is its minified bytes (attributed through
 * the source map) times the chunk's gzip/min ratio; "alone" is the module's minified code gzipped
 * by itself (an upper bound: gzip finds fewer repeats in less text). Bytes the map gives no source
 * (the bundler's runtime, Vite's preload helper, import and export lists) are listed as "(glue)".
 * Usage: `npx tsx bench/size/modules.ts [tabs|web] [--all]` (`--all` lists the lazy chunks' modules too)
 * @packageDocumentation
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SourceMapConsumer, SourceMapGenerator, type RawSourceMap } from "source-map-js";
import { build } from "vite";
import { gzipBytes, prebuiltMap } from "./quickstart.js";

interface Chunk {
  type: "chunk";
  fileName: string;
  isEntry: boolean;
  imports: string[];
  code: string;
  map: RawSourceMap | null;
}

/** One source module's part of a script. */
export interface ModuleShare {
  module: string;
  min: number;
  gzShare: number;
  gzAlone: number;
}

/** Splits a minified script into its source modules' bytes, through its source map. */
export function attribute(code: string, map: RawSourceMap): ModuleShare[] {
  const consumer = new SourceMapConsumer(map);
  const segments: { line: number; column: number; source: string | null }[] = [];
  consumer.eachMapping((m) => segments.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }));
  segments.sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = code.split("\n");
  const texts = new Map<string, string[]>();
  const put = (module: string, text: string): void => {
    const list = texts.get(module) ?? [];
    list.push(text);
    texts.set(module, list);
  };
  // text before a line's first mapping (and lines without one) is glue too
  const firstColumn = new Map<number, number>();
  for (const s of segments) if (!firstColumn.has(s.line)) firstColumn.set(s.line, s.column);
  for (const [i, line] of lines.entries()) put("(glue)", line.slice(0, firstColumn.get(i + 1) ?? line.length));
  for (const [i, s] of segments.entries()) {
    const next = segments[i + 1];
    const line = lines[s.line - 1] ?? "";
    const end = next && next.line === s.line ? next.column : line.length;
    const module = s.source === null ? "(glue)" : s.source.replace(/^.*node_modules\//, "").replace(/^(\.\.\/)+/, "");
    put(module, line.slice(s.column, end));
  }
  const gz = gzipBytes(code);
  return [...texts]
    .map(([module, parts]) => {
      const text = parts.join("");
      return { module, min: text.length, gzShare: Math.round((gz * text.length) / code.length), gzAlone: text ? gzipBytes(text) : 0 };
    })
    .filter((r) => r.min > 0)
    .sort((a, b) => b.min - a.min);
}

const prebuiltWorker = fileURLToPath(new URL("../../dist/worker/entry.js", import.meta.url));

/**
 * The package ships its SharedWorker prebuilt (scripts/build-worker.mjs) with its map beside it:
 * maps the worker bundle through that map, so that its bytes are attributed to the worker's modules.
 */
function throughPrebuilt(map: RawSourceMap): RawSourceMap {
  const source = map.sources.find((s) => s.endsWith("worker/entry.js"));
  const inner = prebuiltMap(prebuiltWorker);
  if (!source || !inner) return map;
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const relative = { ...inner, version: String(inner.version), sources: inner.sources.map((s) => s.replace(root, "")) };
  const generator = SourceMapGenerator.fromSourceMap(new SourceMapConsumer(map));
  generator.applySourceMap(new SourceMapConsumer(relative), source);
  return JSON.parse(generator.toString()) as RawSourceMap;
}

function print(label: string, code: string, map: RawSourceMap | null): void {
  console.log(`\n${label}: ${code.length} B min, ${gzipBytes(code)} B gz`);
  if (!map) return;
  for (const r of attribute(code, map))
    console.log(
      `${String(r.gzShare).padStart(7)} gz  ${String(r.min).padStart(7)} min  ${String(r.gzAlone).padStart(7)} alone  ${r.module}`,
    );
}

const page = process.argv[2] === "web" ? "web" : "tabs";
const all = process.argv.includes("--all");
const here = fileURLToPath(new URL("./", import.meta.url));
const outDir = `${here}../dist/size-modules/${page}`;
const output = await build({
  configFile: false,
  root: `${here}../quickstart/${page}`,
  logLevel: "silent",
  build: { outDir, emptyOutDir: true, sourcemap: true },
  worker: { rollupOptions: { output: { sourcemap: true } } },
});
const chunks = (Array.isArray(output) ? output : [output])
  .flatMap((o) => ("output" in o ? (o.output as unknown as { type: string }[]) : []))
  .filter((i): i is Chunk => i.type === "chunk");
const byName = new Map(chunks.map((c) => [c.fileName, c]));
const initial = new Set<string>();
const visit = (name: string): void => {
  const chunk = byName.get(name);
  if (!chunk || initial.has(name)) return;
  initial.add(name);
  chunk.imports.forEach(visit);
};
for (const c of chunks) if (c.isEntry) visit(c.fileName);
for (const c of chunks) {
  const label = `${initial.has(c.fileName) ? "at start" : "lazy"} ${c.fileName}`;
  const code = c.code.replace(/\n\/\/# sourceMappingURL=.*$/, "");
  if (initial.has(c.fileName) || all) print(label, code, c.map);
  else console.log(`\n${label}: ${code.length} B min, ${gzipBytes(code)} B gz`);
}
// the SharedWorker is emitted as an asset, with its map beside it; the worker's modules loaded on
// first use (the package's dist/worker/lazy/) are copied as they are, with no map
const assets = readdirSync(`${outDir}/assets`);
for (const file of assets) {
  if (!file.endsWith(".js") || byName.has(`assets/${file}`)) continue;
  const code = readFileSync(`${outDir}/assets/${file}`, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/, "");
  if (!assets.includes(`${file}.map`)) {
    console.log(`\nSharedWorker, loaded on first use ${file}: ${code.length} B min, ${gzipBytes(code)} B gz`);
    continue;
  }
  const map = JSON.parse(readFileSync(`${outDir}/assets/${file}.map`, "utf8")) as RawSourceMap;
  print(`SharedWorker ${file}`, code, throughPrebuilt(map));
}
