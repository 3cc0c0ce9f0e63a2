/**
 * Test support: spawns the `realm-tabs-server` CLI as a child process and waits for its
 * `listening on` line. Used by the CLI and crash-durability tests.
 * @packageDocumentation
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

/** A CLI process that printed its `listening on` line. */
export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  /** The URL from the `listening on` line. */
  url: string;
  /** Everything the process printed on stdout so far. */
  stdout: () => string;
  /** Everything the process printed on stderr so far. */
  stderr: () => string;
  /** Resolves with the signal that ended the process, or its exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
}

/**
 * Spawns `entry` (the TypeScript CLI through tsx, or the compiled bin `server/dist/cli.js`) with `args` and waits for its
 * `listening on` line (`onListening` runs in the very callback that sees it). Every spawned child is pushed to `children` so
 * the caller can kill leftovers.
 * @throws Error if the line does not come within `timeoutMs`, or the process exits first
 */
export function startCli(
  args: string[],
  children: ChildProcessWithoutNullStreams[],
  options: {
    entry?: string;
    timeoutMs?: number;
    onListening?: (child: ChildProcessWithoutNullStreams) => void;
    /** More environment variables for the child (e.g. `NODE_ENV`). */
    env?: Record<string, string>;
  } = {},
): Promise<StartedCli> {
  const entry = options.entry ?? "server/src/cli.ts";
  const timeoutMs = options.timeoutMs ?? 20_000;
  // The compiled bin runs as is; the TypeScript entry needs `--import tsx`.
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, entry, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_NO_WARNINGS: "1", ...options.env },
  });
  children.push(child);
  let out = "";
  let err = "";
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /^listening on (http:\/\/\S+)\n/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        options.onListening?.(child);
        resolve({ child, url: match[1], stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr: ${err}`));
    });
  });
}
