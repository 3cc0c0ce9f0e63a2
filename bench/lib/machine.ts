/**
 * The machine and version facts at the top of BENCHMARKS.md.
 * @packageDocumentation
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The installed version of a package of the repository's node_modules ("?" if unknown). */
export function packageVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(`${repoRoot}node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

function dirtyFiles(): number {
  try {
    return execFileSync("git", ["status", "--porcelain", "--", "src", "worker", "server"], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .filter(Boolean).length;
  } catch {
    return -1;
  }
}

/** Markdown lines describing the machine, the browser and the package versions. */
export function machineLines(chromiumVersion: string, load: string): string[] {
  const cpu = cpus();
  const own = JSON.parse(readFileSync(`${repoRoot}package.json`, "utf8")) as { version: string };
  return [
    `- Machine: ${cpu.length} logical CPUs (\`nproc\`), ${cpu[0]?.model ?? "?"}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory; ${load}`,
    `- Node ${process.version}, Chromium ${chromiumVersion} (headless, Debian package), playwright-core ${packageVersion("playwright-core")}, Vite ${packageVersion("vite")}.`,
    `- realm-tabs ${own.version} (commit ${commit()}${dirtyFiles() > 0 ? `, plus ${dirtyFiles()} uncommitted files in src/ worker/ server/: the pages are built from the working tree` : ""}), realm-web ${packageVersion("realm-web")}, bson ${packageVersion("bson")}, comlink ${packageVersion("comlink")}.`,
    "- Server: the repository's local App Services server (`startServer`, in memory, 127.0.0.1, port 0) in the runner's Node process; pages built by Vite and served by `vite preview` on 127.0.0.1.",
  ];
}
