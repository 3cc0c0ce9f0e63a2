import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prebuiltModules } from "./quickstart.js";

describe("prebuiltModules", () => {
  const dirs: string[] = [];
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "realm-tabs-prebuilt-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("names the modules of a prebuilt file by the sources of the map beside it, resolved against the map's folder", () => {
    const dir = folder();
    writeFileSync(join(dir, "entry.js"), "export {};");
    writeFileSync(
      join(dir, "entry.js.map"),
      JSON.stringify({ version: 3, sources: ["host/host.js", "../../node_modules/bson/lib/bson.mjs"], mappings: "" }),
    );
    expect(prebuiltModules(join(dir, "entry.js?worker_file&type=module"))).toEqual([
      join(dir, "host/host.js"),
      join(dir, "../../node_modules/bson/lib/bson.mjs"),
    ]);
  });

  it("honours the map's sourceRoot", () => {
    const dir = folder();
    writeFileSync(join(dir, "entry.js.map"), JSON.stringify({ version: 3, sourceRoot: "src", sources: ["a.js"], mappings: "" }));
    expect(prebuiltModules(join(dir, "entry.js"))).toEqual([join(dir, "src/a.js")]);
  });

  it("names none for a module without a map (bundled from its sources)", () => {
    expect(prebuiltModules(join(folder(), "entry.js"))).toEqual([]);
  });
});
