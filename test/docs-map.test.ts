/**
 * docs/worker.md's file map must match `worker/`: each folder's table lists exactly the product
 * files (not tests) of that folder, so the map cannot drift from the code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Product files of one folder (not recursive), by name. */
function productFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts"))
    .map((e) => e.name)
    .sort();
}

/** The tables of the map: folder heading (`**`worker/host/`**`) → the file names of its rows. */
function mappedFiles(markdown: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let folder: string | null = null;
  for (const line of markdown.split("\n")) {
    const heading = /^\*\*`(worker\/(?:[a-z]+\/)?)`\*\*/.exec(line);
    if (heading) {
      folder = heading[1]!;
      map.set(folder, []);
      continue;
    }
    const row = /^\| `([^`]+\.ts)` \|/.exec(line);
    if (row && folder) map.get(folder)!.push(row[1]!);
    else if (!line.startsWith("|") && line.trim() !== "") folder = null;
  }
  return map;
}

describe("docs/worker.md file map", () => {
  const map = mappedFiles(readFileSync(join(ROOT, "docs/worker.md"), "utf8"));

  it("has a table for worker/ and for each of its folders", () => {
    const folders = readdirSync(join(ROOT, "worker"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `worker/${e.name}/`);
    expect([...map.keys()].sort()).toEqual(["worker/", ...folders].sort());
  });

  it("lists exactly the product files of each folder", () => {
    for (const [folder, files] of map) expect([...files].sort(), folder).toEqual(productFiles(folder));
  });
});
