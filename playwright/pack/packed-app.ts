/**
 * The pack suite: both packages as a new user meets them. It packs the two tarballs, installs them
 * from the npm registry into fresh temp folders (nothing of this repository is imported there), and
 * runs named checks, each passed or failed on its own:
 * the tarballs' contents; the library's install into a fresh Vite app (at most 20 packages, no
 * install script, no `npm warn`); the server's install into an empty folder (no `npm warn`, so no
 * EBADENGINE), its CLI without and with better-sqlite3's native module, and the client API; the
 * README's quick start in two Chromium tabs against that installed server, under `vite` and after
 * `vite build` + `vite preview`; and a consumer's Playwright test built on `realm-tabs/testing`.
 *
 * Compiling better-sqlite3 in each folder would take about 2 minutes per install, so by default the
 * server tarball is installed with `--ignore-scripts` and given the native module this repository's
 * own install built (same better-sqlite3 version, checked; same Node.js). `PACK_BUILD_SQLITE=1`
 * takes the documented path instead: `npm pkg set allowScripts.better-sqlite3=true --json`, then
 * `npm install`, which builds it.
 *
 * The tarballs are packed as `npm pack` does for a release: each package's `prepack` builds it first.
 * `npm test` has built both packages just before, so it sets `PACK_PREBUILT=1`: the packs then skip
 * `prepack`, and only its step that the build does not do (the server's docs) runs here.
 *
 * Usage: npm run test:pack [-- --results FILE]   (npm test runs it as the suite "pack")
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startVite, twoTabsPrintSum, watchSeesInsert } from "./browser.js";
import { Checks, assert } from "./checks.js";
import { writeKitTest, writeProject, writeQuickStart, writeSumFunction, writeWatchPage } from "./consumer.js";
import { exec, execOk, installedVersion, lockedPackages, npmInstall, npmPack, npmWarnings } from "./npm.js";
import { bindingPath, clientRoundTrip, copyBinding, hideBinding, loginCount, startCli, type CliServer } from "./server.js";
import { checkTarball, readTarballFile } from "./tarball.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const buildSqlite = process.env["PACK_BUILD_SQLITE"] === "1";
const prebuilt = process.env["PACK_PREBUILT"] === "1";
const resultsIndex = process.argv.indexOf("--results");
const resultsFile = resultsIndex >= 0 ? process.argv[resultsIndex + 1] : undefined;
const APP_ID = "my-app-id";
const MAX_PACKAGES = 20;

const started = Date.now();
const checks = new Checks();
const work = mkdtempSync(join(tmpdir(), "realm-tabs-pack-"));
const srv = join(work, "server");
const app = join(work, "app");
let cli: CliServer | undefined;
const adminToken = randomUUID();

/** Installs the server tarball into `dir` as this run's mode says, and returns the npm output. */
async function installServer(dir: string, tarball: string, bindingFrom?: string): Promise<string> {
  if (buildSqlite && bindingFrom === undefined) {
    await execOk("npm", ["pkg", "set", "allowScripts.better-sqlite3=true", "--json"], dir, 30_000);
    return (await npmInstall(dir, [tarball])).output;
  }
  return (await npmInstall(dir, [tarball], ["--ignore-scripts"])).output;
}

try {
  let library = "";
  let server = "";
  const packed = await checks.run("npm pack gives the library and the server tarballs", async () => {
    if (prebuilt) await execOk(process.execPath, [join(repo, "scripts/server-docs.mjs")], repo, 60_000);
    library = await npmPack(repo, work, undefined, prebuilt);
    server = await npmPack(repo, work, "realm-tabs-server", prebuilt);
    assert(
      /realm-tabs-\d+\.\d+\.\d+\.tgz$/.test(library) && /realm-tabs-server-\d+\.\d+\.\d+\.tgz$/.test(server),
      `unexpected names ${library} ${server}`,
    );
  });
  if (!packed) throw new Error("nothing to install");

  await checks.run("library tarball: LICENSE, README, CHANGELOG, manifest fields, built entries, every linked document", () => {
    console.log(
      checkTarball(library, {
        folder: "",
        entries: [
          "dist/src/index.js",
          "dist/src/index.d.ts",
          "dist/worker/entry.js",
          "dist/src/testing/index.js",
          "dist/src/testing/page.js",
          "dist/src/compat/realm-namespace.d.ts",
          "dist/realm-tabs.iife.js",
          "dist/realm-tabs.worker.js",
        ],
      }),
    );
  });
  await checks.run(
    "library tarball: the <script> build is unpkg's and jsdelivr's file, sets the global Realm, its worker beside it",
    () => {
      const manifest = JSON.parse(readTarballFile(library, "package.json")) as Record<string, unknown>;
      for (const field of ["unpkg", "jsdelivr"]) {
        assert(manifest[field] === "./dist/realm-tabs.iife.js", `package.json ${field} is ${String(manifest[field])}`);
      }
      const script = readTarballFile(library, "dist/realm-tabs.iife.js");
      assert(/^"use strict";var Realm=/.test(script), "dist/realm-tabs.iife.js does not define the global Realm");
      assert(script.includes("realm-tabs.worker.js"), "dist/realm-tabs.iife.js does not name its worker file");
      assert(!/^import |\bimport\.meta\b/m.test(readTarballFile(library, "dist/realm-tabs.worker.js")), "the worker file imports modules");
    },
  );
  await checks.run("server tarball: LICENSE, README, CHANGELOG, manifest fields, compiled bin, every linked document", () => {
    console.log(
      checkTarball(server, {
        folder: "server/",
        entries: ["dist/cli.js", "dist/index.js", "dist/index.d.ts", "dist/functions/workerMain.js"],
      }),
    );
  });

  // (c) the server alone, in an empty folder
  writeProject(srv, "server-user");
  writeSumFunction(srv);
  const serverInstalled = await checks.run(
    `server installs into an empty folder with no npm warn (no EBADENGINE)${buildSqlite ? ", building better-sqlite3" : ""}`,
    async () => {
      const warnings = npmWarnings(await installServer(srv, server));
      assert(warnings.length === 0, `npm warned:\n${warnings.join("\n")}`);
    },
  );
  const cliArgs = ["--port", "0", "--host", "127.0.0.1", "--app-id", APP_ID, "--in-memory"];
  const HINT = "without better-sqlite3's native module, the CLI explains in one paragraph how to build it";
  const LISTENING = "npx realm-tabs-server --port 0 --host 127.0.0.1 --app-id … --in-memory prints its listening line";
  const CLIENT = "the installed server answers location, anonymous login and a function call";
  if (serverInstalled) {
    await checks.run(HINT, async () => {
      const restore = hideBinding(srv);
      try {
        const ran = await exec("npx", ["realm-tabs-server", ...cliArgs], srv, 60_000);
        assert(ran.code === 1, `exit code ${ran.code}, expected 1`);
        const text = ran.output.trim();
        assert(!text.includes("\n"), "more than one line (a stack trace?)");
        assert(
          text.includes("npm pkg set allowScripts.better-sqlite3=true --json && npm rebuild better-sqlite3"),
          "the build command is not named",
        );
      } finally {
        restore();
      }
    });
    const listening = await checks.run(LISTENING, async () => {
      if (!buildSqlite) copyBinding(repo, srv);
      cli = await startCli(srv, [...cliArgs, "--functions", "functions", "--allow-all-data", "--admin-token", adminToken]);
    });
    if (listening) {
      await checks.run(CLIENT, async () => {
        console.log(await clientRoundTrip(cli!.url, APP_ID));
      });
    } else checks.notRun(CLIENT, "the CLI did not start");
  } else {
    for (const name of [HINT, LISTENING, CLIENT]) checks.notRun(name, "the server did not install");
  }

  // (b) the library in a fresh Vite app
  writeProject(app, "app");
  await npmInstall(app, ["vite@^8.3.8"]);
  const before = lockedPackages(app);
  const libraryInstalled = await checks.run(
    `library installs into a Vite app: at most ${MAX_PACKAGES} packages, no install script, no npm warn`,
    async () => {
      const { output } = await npmInstall(app, [library]);
      const added = [...lockedPackages(app)].filter(([path]) => !before.has(path));
      console.log(`added ${added.length} packages: ${added.map(([path]) => path.replace(/^.*node_modules\//, "")).join(", ")}`);
      const problems: string[] = [];
      if (added.length > MAX_PACKAGES) problems.push(`${added.length} packages added`);
      const scripted = added.filter(([, entry]) => entry.hasInstallScript).map(([path]) => path);
      if (scripted.length > 0) problems.push(`install scripts in ${scripted.join(", ")}`);
      const warnings = npmWarnings(output);
      if (warnings.length > 0) problems.push(`npm warned:\n${warnings.join("\n")}`);
      assert(problems.length === 0, problems.join("; "));
    },
  );

  // (a) the quick start, and a watch, against the installed server
  for (const mode of ["dev", "preview"] as const) {
    const watchName = `watch, ${mode === "dev" ? "vite dev server" : "vite build + vite preview"}: the worker loads its watch streams and account features from the files the package ships: a change reaches the watching tab, the server answers an API-key listing`;
    const name = `quick start, ${mode === "dev" ? "vite dev server" : "vite build + vite preview"}: two tabs print the function result, one login for both`;
    const ownWorkerName = `own worker, ${mode === "dev" ? "vite dev server" : "vite build + vite preview"}: the app's worker file imports realm-tabs/worker; the same watch and API-key listing work through it`;
    if (!libraryInstalled || cli === undefined) {
      for (const check of [name, watchName, ownWorkerName]) {
        checks.notRun(check, libraryInstalled ? "the installed server is not running" : "the library did not install");
      }
      continue;
    }
    const server = cli;
    writeQuickStart(app, APP_ID, server.url);
    writeWatchPage(app, APP_ID, server.url);
    let built = false;
    const buildOnce = async (): Promise<void> => {
      if (mode === "preview" && !built) await execOk(join(app, "node_modules/.bin/vite"), ["build"], app, 180_000);
      built = true;
    };
    await checks.run(name, async () => {
      await buildOnce();
      const logins = await loginCount(server.url, adminToken);
      const vite = await startVite(app, mode);
      try {
        await twoTabsPrintSum(vite.url);
        // the worker ships prebuilt with its map; the dev server reads the map's sources
        const warnings = vite.sourceMapWarnings();
        assert(warnings.length === 0, `vite warned about a source map:\n${warnings.join("\n")}`);
      } finally {
        vite.stop();
      }
      const seen = (await loginCount(server.url, adminToken)) - logins;
      assert(seen === 1, `expected one login shared by both tabs, the server saw ${seen}`);
    });
    await checks.run(watchName, async () => {
      await buildOnce();
      if (mode === "preview") {
        const assets = readdirSync(join(app, "dist/assets"));
        for (const name of ["watches", "accounts", "storeFallback"]) {
          const copied = assets.filter((f) => f.startsWith(`${name}-`) && f.endsWith(".js"));
          assert(copied.length === 1, `vite build copied ${copied.length} ${name} files beside the worker, expected 1`);
        }
      }
      const vite = await startVite(app, mode);
      try {
        await watchSeesInsert(vite.url);
      } finally {
        vite.stop();
      }
    });
    await checks.run(ownWorkerName, async () => {
      await buildOnce();
      const vite = await startVite(app, mode);
      try {
        await watchSeesInsert(vite.url, "own-worker");
      } finally {
        vite.stop();
      }
    });
  }
  await cli?.stop();
  cli = undefined;
  // The watch page's config names the pages to build, which also limits the pages Vite's dev server
  // scans for dependencies at start: the kit's page, written below, would then be found late, and
  // the re-optimization would fail its first load. The kit's app has no config, like the quick start.
  rmSync(join(app, "vite.config.js"), { force: true });

  // (d) the test kit, in the same app, with its optional peers installed
  const kit = "test kit: a consumer's Playwright test imports realm-tabs/testing, starts the installed server and the app, opens two tabs";
  if (libraryInstalled && serverInstalled) {
    await checks.run(kit, async () => {
      const playwright = installedVersion(repo, "@playwright/test");
      assert(playwright !== undefined, "this repository has no @playwright/test installed");
      await npmInstall(app, [`@playwright/test@${playwright}`, server], ["--ignore-scripts"]);
      copyBinding(buildSqlite ? srv : repo, app);
      writeSumFunction(app);
      writeKitTest(app);
      const ran = await exec(join(app, "node_modules/.bin/playwright"), ["test", "--reporter=line"], app, 240_000);
      assert(ran.code === 0 && /\b1 passed\b/.test(ran.output), `the consumer's Playwright test failed (exit ${ran.code})`);
    });
  } else checks.notRun(kit, "the library or the server did not install");
  console.log(
    `\nbetter-sqlite3's native module: ${buildSqlite ? `built by npm install (${bindingPath(srv)})` : `reused from ${bindingPath(repo)}`}`,
  );
} catch (err) {
  checks.notRun("the pack suite ran to its end", err instanceof Error ? err.message : String(err));
} finally {
  await cli?.stop();
  rmSync(work, { recursive: true, force: true });
}

const seconds = (Date.now() - started) / 1000;
checks.printSummary(seconds);
if (resultsFile) checks.writeResults(resultsFile, seconds);
process.exit(checks.failed === 0 ? 0 : 1);
