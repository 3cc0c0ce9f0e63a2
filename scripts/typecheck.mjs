#!/usr/bin/env node
// Type checks every target with its own config: the tab side under the DOM library, the worker
// under the WebWorker library, the server and the tests/tools under Node. The configs are checked
// side by side, two at a time (one per core of a small CI machine); each one's output is printed
// whole when it ends. Usage: npm run typecheck [-- --jobs N]
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Each project, named by its tsconfig.json folder (relative to the repository root), slowest first. */
export const typecheckProjects = [
  { name: "tests and tools (DOM + Node)", project: "." },
  { name: "server (Node)", project: "server" },
  { name: "src/testing (DOM + Node)", project: "src/testing" },
  { name: "worker (WebWorker)", project: "worker" },
  { name: "src (DOM)", project: "src" },
  { name: "realm-web code against realm-tabs (DOM, --strict)", project: "test/realm-web-compat" },
];

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

/**
 * Runs `tsc --noEmit -p <project>` and resolves with its exit status, its output and its duration.
 * @param {string} project
 * @returns {Promise<{code: number, output: string, seconds: number}>}
 */
export function typecheck(project) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project], { cwd: root });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ code: 1, output: `${output}${err.message}\n`, seconds: (Date.now() - started) / 1000 }));
    child.on("close", (code) => resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

/**
 * Type checks every project, `jobs` at a time, printing each one's outcome and output as it ends.
 * @param {number} [jobs]
 * @returns {Promise<{name: string, project: string, code: number, output: string, seconds: number}[]>} in the order of {@link typecheckProjects}
 */
export async function typecheckAll(jobs = Math.min(2, availableParallelism())) {
  const results = new Array(typecheckProjects.length);
  let next = 0;
  const lane = async () => {
    while (next < typecheckProjects.length) {
      const i = next++;
      const { name, project } = typecheckProjects[i];
      const r = await typecheck(project);
      results[i] = { name, project, ...r };
      console.log(`typecheck ${name} (tsc --noEmit -p ${project}): ${r.code === 0 ? "ok" : "FAILED"} (${r.seconds.toFixed(1)} s)`);
      if (r.output.trim()) process.stdout.write(r.output.endsWith("\n") ? r.output : `${r.output}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, lane));
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobsIndex = process.argv.indexOf("--jobs");
  const jobs = jobsIndex >= 0 ? Number(process.argv[jobsIndex + 1]) : undefined;
  const results = await typecheckAll(jobs);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
}
