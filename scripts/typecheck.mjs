#!/usr/bin/env node
// Type checks every target with its own config: the tab side under the DOM library, the worker
// under the WebWorker library, the server and the tests/tools under Node. The configs are checked
// side by side, two at a time (scripts/lanes.mjs). Usage: npm run typecheck
import { fileURLToPath, pathToFileURL } from "node:url";
import { inLanes, printJob, runKept } from "./lanes.mjs";

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
 * Runs `tsc --noEmit -p <project>` (plain output, one line per error) and keeps its output.
 * @param {string} project
 */
export function typecheck(project) {
  return runKept(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", project], root);
}

/** The title of a project's check in the output. */
export function typecheckTitle({ name, project }) {
  return `type check ${name} (tsc --noEmit -p ${project})`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outcomes = await inLanes(
    typecheckProjects,
    (p) => typecheck(p.project),
    (p, outcome) => printJob(typecheckTitle(p), outcome),
  );
  process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
}
