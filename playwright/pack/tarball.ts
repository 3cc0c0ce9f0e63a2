/**
 * What each tarball must hold to be a proper package: its license, README and changelog, the
 * manifest fields a registry page shows, the built entry points, no tests or TypeScript sources, and
 * every document its README links to.
 */
import { spawnSync } from "node:child_process";
import { assert } from "./checks.js";
import { tarballFiles } from "./npm.js";

/** Links of a README into this repository: `https://github.com/realm-tabs/realm-tabs/blob/main/PATH`. */
const REPO_BLOB = /\]\(https:\/\/github\.com\/realm-tabs\/realm-tabs\/blob\/main\/([^)#\s]+)/g;
/** Relative links of a README (which the registry page cannot follow unless the file is shipped). */
const RELATIVE = /\]\((?!https?:|#|mailto:)([^)#\s]+)/g;

/** Which package a tarball is, and where its folder is in the repository. */
export interface PackageShape {
  /** The folder of the package in the repository: "" for the library, "server/" for the server. */
  folder: "" | "server/";
  /** Files that must be in the tarball besides LICENSE, README.md, CHANGELOG.md and package.json. */
  entries: string[];
}

/**
 * The text of one file of a tarball.
 * @throws Error if the file is not in it
 */
export function readTarballFile(tarball: string, file: string): string {
  const out = spawnSync("tar", ["-xzOf", tarball, `package/${file}`], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  assert(out.status === 0, `${file} is not in ${tarball}`);
  return out.stdout;
}

/**
 * The tarball's path of a document a README links to by its repository path, or undefined when the
 * link goes to the other package (the library's README may link the server's README). The server
 * ships the repository's docs/server.md, docs/functions.md and docs/graphql.md as its own docs/.
 */
function shippedAs(shape: PackageShape, repoPath: string): string | undefined {
  if (shape.folder === "") return repoPath.startsWith("server/") ? undefined : repoPath;
  if (repoPath.startsWith("server/")) return repoPath.slice("server/".length);
  return repoPath.startsWith("docs/") ? repoPath : `../${repoPath}`;
}

/**
 * Checks the tarball's files and manifest; returns a one-line account.
 * @throws Error listing everything missing or out of place
 */
export function checkTarball(tarball: string, shape: PackageShape): string {
  const files = new Set(tarballFiles(tarball));
  const problems: string[] = [];
  for (const f of ["LICENSE", "README.md", "CHANGELOG.md", "package.json", ...shape.entries]) {
    if (!files.has(f)) problems.push(`missing ${f}`);
  }
  if (files.has("LICENSE") && !readTarballFile(tarball, "LICENSE").includes("Apache License"))
    problems.push("LICENSE is not the Apache License text");
  for (const f of files) {
    if (/\.test\.|(?<!\.d)\.ts$/.test(f)) problems.push(`ships ${f}`);
  }
  const manifest = JSON.parse(readTarballFile(tarball, "package.json")) as Record<string, unknown>;
  for (const field of ["license", "repository", "homepage", "bugs", "keywords", "author", "engines"]) {
    if (manifest[field] === undefined) problems.push(`package.json has no ${field}`);
  }
  const repository = manifest["repository"] as { url?: string; directory?: string } | undefined;
  if (repository?.url !== "git+https://github.com/realm-tabs/realm-tabs.git") problems.push(`repository.url is ${String(repository?.url)}`);
  if (shape.folder === "server/" && repository?.directory !== "server")
    problems.push(`repository.directory is ${String(repository?.directory)}`);
  const readme = files.has("README.md") ? readTarballFile(tarball, "README.md") : "";
  const linked = [...readme.matchAll(REPO_BLOB)].map((m) => m[1]!);
  const relative = [...readme.matchAll(RELATIVE)].map((m) => m[1]!);
  for (const path of linked) {
    const shipped = shippedAs(shape, path);
    if (shipped !== undefined && !files.has(shipped)) problems.push(`README links ${path}, not in the tarball`);
  }
  for (const path of relative) {
    if (!files.has(path)) problems.push(`README has the relative link ${path}, not in the tarball`);
  }
  assert(problems.length === 0, problems.join("; "));
  return `${files.size} files; README links ${linked.length} documents of the repository, each in the tarball`;
}
