/**
 * Commands of the pack suite: run a command with a deadline and keep its output, pack the two
 * tarballs, install into a folder, and read what an install added.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { assert } from "./checks.js";

/** What a finished command printed (stdout and stderr interleaved) and its exit code. */
export interface Ran {
  code: number | null;
  output: string;
}

/**
 * Runs `cmd args` in `cwd`, echoing its output, and resolves when it exits. It runs in its own
 * process group, so a missed deadline ends it and every process it started.
 * @throws Error if it has not exited after `timeoutMs`
 */
export function exec(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  console.log(`$ ${cmd} ${args.join(" ")}   (in ${cwd})`);
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output += chunk.toString();
    process.stdout.write(chunk);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child.pid, "SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Sends `signal` to the process group led by `pid` (a child started with `detached: true`). */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already exited
  }
}

/** Like {@link exec}, and throws unless the command exited with 0. */
export async function execOk(cmd: string, args: string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const ran = await exec(cmd, args, cwd, timeoutMs, env);
  assert(ran.code === 0, `${cmd} ${args.join(" ")} exited with ${ran.code}`);
  return ran;
}

/** `npm install` of `specs` in `cwd`, from the registry (cache first), without audit or funding notes. */
export function npmInstall(cwd: string, specs: string[], extra: string[] = []): Promise<Ran> {
  return execOk("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...extra, ...specs], cwd, 600_000);
}

/**
 * `npm pack` of the package in `cwd` (`-w` for a workspace) into `dest`; resolves with the tarball's
 * path. `ignoreScripts` skips the `prepack` build, for a caller that has just built the package.
 */
export async function npmPack(cwd: string, dest: string, workspace?: string, ignoreScripts = false): Promise<string> {
  const before = new Set(readdirSync(dest));
  const args = [
    "pack",
    "--pack-destination",
    dest,
    ...(workspace ? ["-w", workspace] : []),
    ...(ignoreScripts ? ["--ignore-scripts"] : []),
  ];
  await execOk("npm", args, cwd, 300_000);
  const made = readdirSync(dest).filter((f) => f.endsWith(".tgz") && !before.has(f));
  assert(made.length === 1, `npm pack made ${made.length} tarballs in ${dest}`);
  return join(dest, made[0]!);
}

/** The `npm warn` lines of an npm command's output. */
export function npmWarnings(output: string): string[] {
  return output.split("\n").filter((line) => /npm warn/i.test(line));
}

/** The packages in a folder's package-lock.json (`node_modules/…` paths), with their install-script flag. */
export function lockedPackages(dir: string): Map<string, { hasInstallScript: boolean }> {
  const file = join(dir, "package-lock.json");
  const out = new Map<string, { hasInstallScript: boolean }>();
  if (!existsSync(file)) return out;
  const lock = JSON.parse(readFileSync(file, "utf8")) as { packages?: Record<string, { hasInstallScript?: boolean; link?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === "" || entry.link) continue;
    out.set(path, { hasInstallScript: entry.hasInstallScript === true });
  }
  return out;
}

/** The paths of the files in a tarball, without npm's `package/` prefix. */
export function tarballFiles(tarball: string): string[] {
  const listed = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8", timeout: 60_000 });
  assert(listed.status === 0, `tar -tzf ${tarball} failed: ${listed.stderr}`);
  return listed.stdout
    .split("\n")
    .filter((l) => l.startsWith("package/"))
    .map((l) => l.slice("package/".length));
}

/** The version field of an installed package's package.json, or undefined when it is not installed. */
export function installedVersion(dir: string, name: string): string | undefined {
  const file = join(dir, "node_modules", name, "package.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
}
