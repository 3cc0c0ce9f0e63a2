import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { dependencyRequire, listedDependencies, missingDependencies, packageName } from "./dependencies.js";

// Function dependencies: packages that functions/package.json lists, loaded from the app's own
// functions/node_modules (as `npm install` in functions/ leaves them), and nothing from outside it.

/** The files of a small CommonJS package in `node_modules/<name>`. */
function pkg(name: string, main: string, extra: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {
    [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: "1.0.0", main: "index.js" }),
    [`node_modules/${name}/index.js`]: main,
  };
  for (const [file, text] of Object.entries(extra)) files[`node_modules/${name}/${file}`] = text;
  return files;
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  }
}

describe("dependency resolution", () => {
  let root: string;
  let functionsDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rt-deps-"));
    functionsDir = join(root, "app", "functions");
    // a package in a folder above the app: Node would find it there, functions must not
    await writeTree(root, {
      ...pkg("outside", "module.exports = 'outside';"),
      // a package elsewhere, linked into node_modules as `npm install` of a file: dependency links it
      "shared/package.json": JSON.stringify({ name: "shared", main: "index.js" }),
      "shared/index.js": "module.exports = 'shared';",
    });
    await writeTree(functionsDir, {
      ...pkg("pad", "module.exports = (s, n) => String(s).padStart(n, '0');", { "extra.js": "module.exports = 'extra';" }),
      ...pkg("@acme/greet", "module.exports = (who) => 'hello ' + who;"),
      "node_modules/esm-only/package.json": JSON.stringify({ name: "esm-only", type: "module", exports: "./index.js" }),
      "node_modules/esm-only/index.js": "export const twice = (n) => 2 * n; export default 'esm';",
    });
    await symlink(join(root, "shared"), join(functionsDir, "node_modules", "shared"));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("names the package of a module name, scoped or not", () => {
    expect(["pad", "pad/extra.js", "@acme/greet", "@acme/greet/lib/x"].map(packageName)).toEqual([
      "pad",
      "pad",
      "@acme/greet",
      "@acme/greet",
    ]);
    expect(["pad/../other", "./pad", "/abs", "@acme", "pad//x", "pad\\..\\x", "@s/p/../../pad"].map(packageName)).toEqual(
      Array(7).fill(undefined),
    );
  });

  it("lists dependencies and optionalDependencies, and refuses a malformed manifest", () => {
    expect(listedDependencies({ dependencies: { b: "1", a: "2" }, optionalDependencies: { c: "3" }, devDependencies: { d: "4" } })).toEqual(
      ["a", "b", "c"],
    );
    expect(() => listedDependencies({ dependencies: ["lodash"] })).toThrow("dependencies is not an object of package names and versions");
    expect(() => listedDependencies({ optionalDependencies: "x" })).toThrow("optionalDependencies is not an object");
    expect(() => listedDependencies([])).toThrow("it is not a JSON object");
  });

  it("loads a listed package and its files from functions/node_modules", () => {
    const load = dependencyRequire({ dir: functionsDir, names: ["pad", "@acme/greet"] });
    expect((load("pad") as (s: string, n: number) => string)("7", 3)).toBe("007");
    expect(load("pad/extra.js")).toBe("extra");
    expect((load("@acme/greet") as (w: string) => string)("you")).toBe("hello you");
  });

  it("loads a package that node_modules holds as a link to a folder elsewhere", () => {
    expect(dependencyRequire({ dir: functionsDir, names: ["shared"] })("shared")).toBe("shared");
    expect(missingDependencies({ dir: functionsDir, names: ["shared"] })).toEqual([]);
  });

  it("refuses a path, or a listed package's name used to reach another package", () => {
    const load = dependencyRequire({ dir: functionsDir, names: ["pad", "@acme/greet"] });
    for (const name of ["pad/../outside", "@acme/greet/../../pad", "./pad", "/etc/passwd"]) {
      expect(() => load(name)).toThrow(`Cannot find module '${name}': functions can require a package by its name, not a path`);
    }
  });

  it("loads an ES module package through require, as Node 20.19 does", () => {
    const esm = dependencyRequire({ dir: functionsDir, names: ["esm-only"] })("esm-only") as { twice(n: number): number; default: string };
    expect(esm.twice(4)).toBe(8);
    expect(esm.default).toBe("esm");
  });

  it("refuses a package the manifest does not list, one not installed, and one found only above the app", () => {
    const load = dependencyRequire({ dir: functionsDir, names: ["pad", "missing", "outside"] });
    expect(() => load("@acme/greet")).toThrow(
      "Cannot find module '@acme/greet': functions/package.json does not list @acme/greet in its dependencies",
    );
    expect(() => load("missing")).toThrow(
      "Cannot find module 'missing': missing is not installed in functions/node_modules (run npm install in functions/)",
    );
    expect(() => load("outside")).toThrow("Cannot find module 'outside': outside is not installed in functions/node_modules");
    expect(missingDependencies({ dir: functionsDir, names: ["pad", "missing", "outside"] })).toEqual(["missing", "outside"]);
  });
});

describe("an exported app with function dependencies, through realm-web 2.0.1", () => {
  let running: AppServer;
  let user: Realm.User;

  beforeAll(async () => {
    const modules: Record<string, string> = {};
    for (const [file, text] of Object.entries(pkg("pad", "module.exports = (s, n) => String(s).padStart(n, '0');"))) {
      modules[`functions/${file}`] = text;
    }
    running = await startAppServer(
      {
        "root_config.json": { name: "deps-app" },
        "auth/providers.json": { "anon-user": { type: "anon-user" } },
        "functions/package.json": { name: "functions", dependencies: { pad: "^1.0.0", absent: "^2.0.0", slow: "1.0.0" } },
        "functions/config.json": [{ name: "padded" }, { name: "absent" }, { name: "slow" }],
        "functions/padded.js": "const pad = require('pad'); exports = (n) => pad(n, 5);",
        "functions/absent.js": "exports = () => require('absent');",
        "functions/slow.js": "exports = () => ({ ...require('slow') });",
        ...modules,
        // a package whose first load outlasts the time limit (the next one is quick)
        "functions/node_modules/slow/package.json": JSON.stringify({ name: "slow", main: "index.js" }),
        "functions/node_modules/slow/index.js": `exports.early = 1;
        if (globalThis.slowLoaded === undefined) { globalThis.slowLoaded = true; const end = Date.now() + 1500; while (Date.now() < end); }
        exports.late = 2;`,
      },
      { config: { functionTimeoutMs: 800 } },
    );
    const app = new Realm.App({ id: running.server.config.appId, baseUrl: running.server.url });
    user = await app.logIn(Realm.Credentials.anonymous());
  });

  afterAll(async () => {
    await running.close();
  });

  it("a function requires an installed package in the function thread", async () => {
    expect(await user.functions.callFunction("padded", 42)).toBe("00042");
    expect(running.server.warnings.join("\n")).not.toContain("padded.js");
  });

  it("a listed package that is not installed is listed at start, and requiring it fails the call clearly", async () => {
    expect(running.server.warnings).toContain(
      "not supported: functions/package.json: absent is not installed in functions/node_modules (run npm install in functions/): require() of it fails",
    );
    const err = await user.functions.callFunction("absent").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Realm.MongoDBRealmError);
    expect(err).toMatchObject({ errorCode: "FunctionExecutionError" });
    expect((err as Error).message).toContain("Cannot find module 'absent': absent is not installed in functions/node_modules");
  });

  it("a package load that the time limit cut short is loaded afresh by the next call, not left half-run", async () => {
    const first = await user.functions.callFunction("slow").then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toMatchObject({ errorCode: "ExecutionTimeLimitExceeded" });
    expect(await user.functions.callFunction("slow")).toEqual({ early: 1, late: 2 });
  });
});
