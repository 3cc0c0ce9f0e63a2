#!/usr/bin/env node
// Type checks every target with its own config: the tab side under the DOM library, the worker
// under the WebWorker library, the server and the tests/tools under Node. Usage: npm run typecheck
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Each project, named by its tsconfig.json folder (relative to the repository root). */
export const typecheckProjects = [
  { name: "src (DOM)", project: "src" },
  { name: "src/testing (DOM + Node)", project: "src/testing" },
  { name: "worker (WebWorker)", project: "worker" },
  { name: "server (Node)", project: "server" },
  { name: "tests and tools (DOM + Node)", project: "." },
  { name: "realm-web code against realm-tabs (DOM, --strict)", project: "test/realm-web-compat" },
];

const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs `tsc --noEmit -p <project>`; returns its exit status. */
export function typecheck(project) {
  const r = spawnSync("npx", ["tsc", "--noEmit", "-p", project], { cwd: root, stdio: "inherit" });
  return r.status ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let failed = 0;
  for (const { name, project } of typecheckProjects) {
    const started = Date.now();
    const code = typecheck(project);
    console.log(`typecheck ${name}: ${code === 0 ? "ok" : "FAILED"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (code !== 0) failed++;
  }
  process.exit(failed === 0 ? 0 : 1);
}
