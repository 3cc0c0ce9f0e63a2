import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";
import type { FromEval, ToEval } from "./data/evalProtocol.js";
import { THREADS_DIR_ENV, threadBootstrap } from "./threadEntry.js";

/** The query threads' pool, beside their entry: what the pool passes as its `import.meta.url`. */
const POOL_SOURCE = new URL("./data/evalPool.ts", import.meta.url).href;

/** Starts a query thread from `code` and resolves once it answers `init` with `ready`. */
async function startsAndAnswers(code: string): Promise<FromEval> {
  const worker = new Worker(code, { eval: true });
  try {
    return await new Promise<FromEval>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the thread did not answer within 20 s")), 20_000);
      worker.once("message", (msg: FromEval) => {
        clearTimeout(timer);
        resolve(msg);
      });
      worker.once("error", reject);
      const init: ToEval = { type: "init", access: undefined };
      worker.postMessage(init);
    });
  } finally {
    await worker.terminate();
  }
}

describe("threadBootstrap", () => {
  const bundled = process.env[THREADS_DIR_ENV];
  afterEach(() => {
    if (bundled === undefined) delete process.env[THREADS_DIR_ENV];
    else process.env[THREADS_DIR_ENV] = bundled;
  });

  test("from the compiled package, the thread imports the compiled entry beside the caller, whatever the environment says", () => {
    process.env[THREADS_DIR_ENV] = "/somewhere/else";
    const code = threadBootstrap("file:///app/node_modules/realm-tabs-server/dist/data/evalPool.js", "evalWorker");
    expect(code).toBe('import("file:///app/node_modules/realm-tabs-server/dist/data/evalWorker.js");');
  });

  test("from the sources with the tests' bundles, the thread loads the bundle and answers", async () => {
    expect(bundled, "Vitest's global setup (server/test/threadBundles.ts) names the bundles").toBeTruthy();
    const code = threadBootstrap(POOL_SOURCE, "evalWorker");
    expect(code).toContain(".mjs");
    expect(await startsAndAnswers(code)).toEqual({ type: "ready" });
  });

  test("from the sources without bundles, the thread registers tsx, compiles its entry and answers", async () => {
    delete process.env[THREADS_DIR_ENV];
    const code = threadBootstrap(POOL_SOURCE, "evalWorker");
    expect(code).toContain("register()");
    expect(code).toContain("evalWorker.ts");
    expect(await startsAndAnswers(code)).toEqual({ type: "ready" });
  });
});
