#!/usr/bin/env node
// Builds the publishable package into dist/: the tab side (dist/src) and the SharedWorker
// (dist/worker) as ES modules with .d.ts, keeping the folder layout so that connection.js can
// start the worker with `new URL("../worker/entry.js", import.meta.url)`, which a bundler that
// installs realm-tabs as a dependency (Vite) recognises and bundles; and the `<script>` build
// (build-iife.mjs). Usage: npm run build:lib (npm run build builds the server package too).
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildScriptBundle } from "./build-iife.mjs";
import { buildLazyWorkerModules, buildWorkerEntry } from "./build-worker.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist`;
for (const dir of ["src", "worker"]) rmSync(`${dist}/${dir}`, { recursive: true, force: true });

// Two compilations, one per global scope: the tab side (and realm-tabs/testing, whose Node side
// loads the optional peer realm-tabs-server on demand) against the DOM library, the SharedWorker
// entry against the WebWorker library. Modules both reach (src/protocol, worker/host, ...) are
// emitted twice with the same options, hence the same output. The worker compilation names no
// --types, so (TypeScript 6) it sees no @types package. --stripInternal keeps @internal members
// out of the published types.
const common = `
  --outDir dist --rootDir . --declaration --stripInternal --sourceMap false
  --module esnext --target es2022 --moduleResolution bundler
  --strict --skipLibCheck --verbatimModuleSyntax --isolatedModules --noUncheckedIndexedAccess --noImplicitOverride
`
  .trim()
  .split(/\s+/);
const targets = [
  ["src/index.ts", "src/testing/index.ts", "--lib", "ES2023,DOM,DOM.Iterable", "--types", "node"],
  ["worker/entry.ts", "--lib", "ES2023,WebWorker,WebWorker.Iterable,WebWorker.AsyncIterable"],
];
for (const target of targets) {
  const tsc = spawnSync("npx", ["tsc", "--ignoreConfig", ...target, ...common], { cwd: root, stdio: "inherit" });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

// The sources start the worker from its .ts file (what Vite serves in this repository); the
// package ships JavaScript, so point the URL at the built entry.
const connection = `${dist}/src/connection.js`;
const code = readFileSync(connection, "utf8");
const rewritten = code.replace('new URL("../worker/entry.ts", import.meta.url)', 'new URL("../worker/entry.js", import.meta.url)');
if (rewritten === code) {
  console.error("build: the worker URL in dist/src/connection.js was not found; the package would not start its worker");
  process.exit(1);
}
writeFileSync(connection, rewritten);

// The worker's parts loaded on first use (watch streams, account features, the store's memory
// fallback) ship as prebuilt files beside it; then the worker itself becomes one prebuilt module.
await buildLazyWorkerModules(dist);
await buildWorkerEntry(dist);

// realm-web's global `Realm` namespace is a hand-written declaration file that index.d.ts references;
// tsc does not emit .d.ts inputs (and points the reference back at the sources), so copy it beside
// the compiled compat modules and point the reference there.
copyFileSync(`${root}src/compat/realm-namespace.d.ts`, `${dist}/src/compat/realm-namespace.d.ts`);
const indexTypes = `${dist}/src/index.d.ts`;
const types = readFileSync(indexTypes, "utf8");
const reference = /^\/\/\/ <reference path="[^"]*realm-namespace\.d\.ts" preserve="true" \/>$/m;
if (!reference.test(types)) {
  console.error("build: dist/src/index.d.ts lost its reference to the global Realm namespace");
  process.exit(1);
}
writeFileSync(indexTypes, types.replace(reference, '/// <reference path="./compat/realm-namespace.d.ts" preserve="true" />'));
// The `<script>` build for pages without a bundler: dist/realm-tabs.iife.js (the global `Realm`) and
// its SharedWorker dist/realm-tabs.worker.js, side by side.
await buildScriptBundle(dist);
console.log(
  "build: dist/src (tab side), dist/worker (SharedWorker, and its modules loaded on first use in dist/worker/lazy) and dist/realm-tabs.{iife,worker}.js (<script> build) written",
);
