// Runs commands side by side, a few at a time, each with its output kept and printed whole when it
// ends (so that outputs never interleave). Used by scripts/typecheck.mjs and scripts/test.mjs.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";

/** One lane per core, at most two: a small CI machine's cores, without starving the rest of a busy one. */
export const DEFAULT_LANES = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Runs `cmd args` in `cwd` and resolves with its exit status, its output (stdout then stderr
 * interleaved as they came) and its duration. Never rejects: a command that cannot start resolves
 * with status 1 and the reason as output.
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<{code: number, output: string, seconds: number}>}
 */
export function runKept(cmd, args, cwd) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const done = (code, extra = "") => resolve({ code, output: output + extra, seconds: (Date.now() - started) / 1000 });
    child.on("error", (err) => done(1, `${err.message}\n`));
    child.on("close", (code) => done(code ?? 1));
  });
}

/**
 * Runs `jobs` in order, `lanes` at a time; `onDone` gets each job and its outcome as it ends.
 * @template J
 * @param {J[]} jobs
 * @param {(job: J) => Promise<{code: number, output: string, seconds: number}>} start
 * @param {(job: J, outcome: {code: number, output: string, seconds: number}) => void} onDone
 * @param {number} [lanes]
 * @returns {Promise<{code: number, output: string, seconds: number}[]>} the outcomes, in the order of `jobs`
 */
export async function inLanes(jobs, start, onDone, lanes = DEFAULT_LANES) {
  const outcomes = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      outcomes[i] = await start(jobs[i]);
      onDone(jobs[i], outcomes[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return outcomes;
}

/** Prints a finished job's heading and its output. */
export function printJob(title, { code, output, seconds }) {
  console.log(`\n-- ${title}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds.toFixed(1)} s`);
  if (output.trim()) process.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
}
