/**
 * The import direction of the product code, checked on every import of every file in `src/`,
 * `worker/` and `server/src/` (static, `export … from`, dynamic `import()`, type-only, and
 * `new URL("…", import.meta.url)` references):
 *
 * - `src/protocol/` is the bottom: it imports packages only.
 * - `worker/` layers point down: `entry.ts` → `host/` → `features/` → `session/` → `io/`; every
 *   layer may import `src/protocol/`, nothing else of `src/`.
 * - `src/` reaches `worker/` only from `src/modes/` (a leader tab or the page hosts the runtime).
 * - The browser code never imports `server/`; `server/src/` never imports `src/` or `worker/`.
 * - Product code never imports test-only code (`test/`, `server/test/`) or the repository's
 *   demo, specs, benchmarks and scripts.
 *
 * Tests (`*.test.ts`) may import anything. A justified exception is listed in {@link EXCEPTIONS};
 * an exception that no longer matches an edge fails the test, so the list cannot rot.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** One dependency of a file. */
interface Edge {
  from: string;
  /** A repository path (`worker/io/store.ts`) for relative specifiers, else the specifier (`zod/mini`). */
  to: string;
  /** Whether `to` is a package (a bare specifier) rather than a repository path. */
  external: boolean;
  kind: "import" | "url";
}

/** Where a file sits in the layering. */
type Area =
  | "protocol"
  | "modes"
  | "testing-kit"
  | "src"
  | "worker-entry"
  | "host"
  | "features"
  | "session"
  | "io"
  | "worker-other"
  | "server"
  | "server-test"
  | "test"
  | "repo";

/** Worker layers, higher imports lower. */
const WORKER_RANK: Partial<Record<Area, number>> = { "worker-entry": 4, host: 3, features: 2, session: 1, io: 0 };

/**
 * Edges the rules refuse on purpose. Each needs a reason a reviewer can check.
 */
const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  {
    from: "src/connection.ts",
    to: "worker/entry.ts",
    why: "the tab starts the bundled SharedWorker by URL (`new SharedWorker(new URL(…))`); the worker runs in its own realm and nothing of it is imported",
  },
  {
    from: "src/testing/server.ts",
    to: "realm-tabs-server",
    why: "the Playwright kit loads the server package, its declared optional peer, on demand (a package dependency, not a path into server/)",
  },
];

function areaOf(path: string): Area {
  if (path.startsWith("src/protocol/")) return "protocol";
  if (path.startsWith("src/modes/")) return "modes";
  if (path.startsWith("src/testing/")) return "testing-kit";
  if (path.startsWith("src/")) return "src";
  if (path === "worker/entry.ts") return "worker-entry";
  if (path.startsWith("worker/host/")) return "host";
  if (path.startsWith("worker/features/")) return "features";
  if (path.startsWith("worker/session/")) return "session";
  if (path.startsWith("worker/io/")) return "io";
  if (path.startsWith("worker/")) return "worker-other";
  if (path.startsWith("server/test/")) return "server-test";
  if (path.startsWith("server/")) return "server";
  if (path.startsWith("test/")) return "test";
  return "repo";
}

/** A bare specifier's package name (`zod/mini` → `zod`, `@a/b/c` → `@a/b`). */
function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec);
}

/**
 * Why an edge breaks the layering, or null if it is allowed (exceptions are applied by the caller).
 * @param edge - a dependency of a product (non-test) file
 */
function violation(edge: Edge): string | null {
  const from = areaOf(edge.from);
  if (edge.external) {
    const name = packageName(edge.to);
    if (from !== "server" && name === "realm-tabs-server") return "browser code imports the server package";
    if (from === "server" && name === "realm-tabs") return "the server imports the browser library";
    return null;
  }
  const to = areaOf(edge.to);
  if (to === "test" || to === "server-test") return "product code imports test-only code";
  if (to === "repo") return "product code imports a file outside the packages (demo, specs, benchmarks, scripts)";
  if (from === "worker-other") return "worker/ files belong to entry.ts or a layer folder (host, features, session, io)";
  if (from === "server") return to === "server" ? null : "server/src imports browser code";
  if (to === "server") return "browser code imports server/";
  if (from === "protocol") return to === "protocol" ? null : "src/protocol imports something other than packages and itself";
  if (from === "src" || from === "testing-kit") {
    return to in WORKER_RANK || to === "worker-other" ? "src/ reaches worker/ outside src/modes" : null;
  }
  if (from === "modes") return null;
  // a worker layer
  const rank = WORKER_RANK[from] ?? -1;
  if (to === "protocol") return null;
  if (to === "src" || to === "modes" || to === "testing-kit") return "worker/ imports src/ outside src/protocol";
  const target = WORKER_RANK[to];
  if (target === undefined) return "worker/ imports an unclassified worker file";
  return target <= rank ? null : `${from} imports the higher layer ${to}`;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "dist") out.push(...sourceFiles(path));
    } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

function isTest(path: string): boolean {
  return /\.test(-d)?\.ts$/.test(path);
}

/** `./x.js` from `worker/io/a.ts` → `worker/io/x.ts` (the TypeScript source the specifier names). */
function resolveRelative(from: string, spec: string): string {
  const abs = resolve(ROOT, dirname(from), spec);
  const path = relative(ROOT, abs).split("\\").join("/");
  if (path.endsWith(".js") && existsSync(join(ROOT, path.slice(0, -3) + ".ts"))) return path.slice(0, -3) + ".ts";
  return spec.endsWith("/") ? `${path}/` : path;
}

const URL_REF = /new\s+URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g;

function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const edges: Edge[] = [];
  for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
    const external = !spec.startsWith(".");
    edges.push({ from: file, to: external ? spec : resolveRelative(file, spec), external, kind: "import" });
  }
  for (const m of text.matchAll(URL_REF)) {
    const spec = m[1];
    if (spec?.startsWith(".")) edges.push({ from: file, to: resolveRelative(file, spec), external: false, kind: "url" });
  }
  return edges;
}

/** A synthetic edge: a path under a top-level folder of the repository, else a package. */
function edge(from: string, to: string): Edge {
  return { from, to, external: !/^(src|worker|server|test|demo|playwright|bench|scripts)\//.test(to), kind: "import" };
}

const productFiles = ["src", "worker", "server/src"].flatMap(sourceFiles).filter((f) => !isTest(f));
const edges = productFiles.flatMap(edgesOf);

describe("import direction", () => {
  it("reads the product files of every package", () => {
    for (const dir of ["src/protocol/", "src/modes/", "worker/host/", "worker/features/", "worker/session/", "worker/io/", "server/src/"]) {
      expect(productFiles.filter((f) => f.startsWith(dir)).length, dir).toBeGreaterThan(0);
    }
    expect(edges.length).toBeGreaterThan(productFiles.length);
  });

  it("every import points down (or is a listed exception)", () => {
    const found: string[] = [];
    for (const e of edges) {
      const why = violation(e);
      if (why === null) continue;
      if (EXCEPTIONS.some((x) => x.from === e.from && x.to === e.to)) continue;
      found.push(`${e.from} → ${e.to} (${e.kind}): ${why}`);
    }
    expect(found).toEqual([]);
  });

  it("every exception still matches an edge the rules refuse", () => {
    for (const x of EXCEPTIONS) {
      const found = edges.find((e) => e.from === x.from && e.to === x.to);
      expect(found, `${x.from} → ${x.to}`).toBeDefined();
      expect(found && violation(found), `${x.from} → ${x.to}`).not.toBeNull();
    }
  });

  it("refuses the edges that point the wrong way", () => {
    const bad: [string, string][] = [
      ["worker/io/store.ts", "worker/session/state.ts"],
      ["worker/io/store.ts", "worker/host/host.ts"],
      ["worker/session/runtime.ts", "worker/features/watchHub.ts"],
      ["worker/session/runtime.ts", "worker/host/api.ts"],
      ["worker/features/watchHub.ts", "worker/host/tabs.ts"],
      ["worker/host/host.ts", "worker/entry.ts"],
      ["worker/host/host.ts", "src/app.ts"],
      ["worker/misc.ts", "worker/io/store.ts"],
      ["src/app.ts", "worker/host/host.ts"],
      ["src/protocol/rpc.ts", "src/app.ts"],
      ["src/protocol/rpc.ts", "worker/io/store.ts"],
      ["src/modes/leader.ts", "server/src/index.ts"],
      ["worker/io/transport.ts", "server/src/app.ts"],
      ["src/app.ts", "realm-tabs-server"],
      ["server/src/app.ts", "src/protocol/errors.ts"],
      ["server/src/app.ts", "worker/io/store.ts"],
      ["server/src/app.ts", "realm-tabs"],
      ["src/app.ts", "test/worker-kit.ts"],
      ["worker/host/host.ts", "test/worker-kit.ts"],
      ["server/src/app.ts", "server/test/testClient.ts"],
      ["src/app.ts", "demo/src/main.ts"],
    ];
    for (const [from, to] of bad) expect(violation(edge(from, to)), `${from} → ${to}`).not.toBeNull();
  });

  it("accepts the edges that point down", () => {
    const good: [string, string][] = [
      ["worker/entry.ts", "worker/host/host.ts"],
      ["worker/host/host.ts", "worker/features/watchHub.ts"],
      ["worker/host/host.ts", "worker/io/store.ts"],
      ["worker/features/watchHub.ts", "worker/session/runtime.ts"],
      ["worker/session/runtime.ts", "worker/io/transport.ts"],
      ["worker/io/sse.ts", "worker/io/transport.ts"],
      ["worker/io/store.ts", "src/protocol/errors.ts"],
      ["src/modes/leader.ts", "worker/host/host.ts"],
      ["src/app.ts", "src/protocol/rpc.ts"],
      ["src/protocol/comlink.ts", "comlink"],
      ["worker/host/validate.ts", "zod/mini"],
      ["server/src/app.ts", "server/src/config.ts"],
      ["server/src/cli.ts", "node:fs"],
    ];
    for (const [from, to] of good) expect(violation(edge(from, to)), `${from} → ${to}`).toBeNull();
  });
});

/** The packages the product files under `dirs` import (bare specifiers, Node's built-ins left out). */
function importedPackages(dirs: readonly string[]): Set<string> {
  const names = edges
    .filter((e) => e.external && dirs.some((d) => e.from.startsWith(d)) && !e.to.startsWith("node:"))
    .map((e) => packageName(e.to));
  return new Set(names);
}

function declared(manifest: string, fields: readonly string[]): Set<string> {
  const json = JSON.parse(readFileSync(join(ROOT, manifest), "utf8")) as Record<string, Record<string, string> | undefined>;
  return new Set(fields.flatMap((f) => Object.keys(json[f] ?? {})));
}

describe("declared dependencies", () => {
  it("the browser package depends on what its tabs and worker import, and nothing else", () => {
    // src/testing is the Playwright kit: it imports its optional peers and the package itself
    const imported = importedPackages(["src/", "worker/"]);
    const dependencies = declared("package.json", ["dependencies"]);
    const kit = new Set(["realm-tabs", ...declared("package.json", ["peerDependencies"])]);
    expect([...imported].filter((p) => !dependencies.has(p) && !kit.has(p)).sort(), "imported, not declared").toEqual([]);
    expect([...dependencies].filter((p) => !imported.has(p)).sort(), "declared, never imported").toEqual([]);
  });

  it("the server package depends on what server/src imports, and nothing else", () => {
    // fastify's own light-my-request (^6), held at 6.6 for installs: 6.8 pulls cookie@2, which wants Node 22
    const imported = new Set([...importedPackages(["server/src/"]), "light-my-request"]);
    const dependencies = declared("server/package.json", ["dependencies", "peerDependencies", "optionalDependencies"]);
    expect([...imported].filter((p) => !dependencies.has(p)).sort(), "imported, not declared").toEqual([]);
    expect([...dependencies].filter((p) => !imported.has(p)).sort(), "declared, never imported").toEqual([]);
  });
});
