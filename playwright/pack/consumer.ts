/**
 * The files a new user writes, as the pack suite writes them into fresh folders: the quick start of
 * the README in a Vite app, a function for the server, and a Playwright test of the app that uses
 * `realm-tabs/testing` the way docs/testing.md shows.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CHROMIUM_ARGS, chromiumPath } from "./browser.js";

function write(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

/** An empty ES-module project, as `npm init -y` and `npm pkg set type=module` would leave it. */
export function writeProject(dir: string, name: string): void {
  write(dir, "package.json", `${JSON.stringify({ name, version: "1.0.0", private: true, type: "module" }, null, 2)}\n`);
}

/** The function the quick start calls: `functions/sum.js`. */
export function writeSumFunction(dir: string): void {
  write(dir, "functions/sum.js", "exports = function (a, b) {\n  return a + b;\n};\n");
}

/** The quick start (README.md) in `src/main.ts` of a Vite app, with the local server's URL. */
export function writeQuickStart(app: string, appId: string, serverUrl: string): void {
  write(app, "index.html", '<!doctype html>\n<html><body><script type="module" src="/src/main.ts"></script></body></html>\n');
  write(
    app,
    "src/main.ts",
    `import { App, Credentials } from "realm-tabs";

const app = new App({ id: ${JSON.stringify(appId)}, baseUrl: ${JSON.stringify(serverUrl)} });
await app.ready;
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
console.log(await user.functions.sum(1, 2));
user.addListener(() => console.log("user changed:", user.state, user.accessToken));
app.addListener(() => console.log("current user:", app.currentUser?.id ?? "none"));
`,
  );
}

/**
 * A second page, `watch.html` (`src/watch.ts`), and the Vite config that builds both pages: a tab
 * logs in, watches a collection and prints `watching` once the worker's stream is open (the public
 * `app.stats()`), then `change <operationType>` for the first change event; with `?insert` it
 * inserts a document instead and prints `inserted`, then lists the user's API keys and prints
 * `api keys listed` or `api keys refused by the server`. The worker loads its watch streams and its
 * account features on first use, from the files the package ships beside it (dist/worker/lazy/),
 * which this exercises. With `?own-worker` the App starts the app's own worker file instead,
 * `src/session-worker.ts`, whose one line imports `realm-tabs/worker`.
 */
export function writeWatchPage(app: string, appId: string, serverUrl: string): void {
  write(app, "watch.html", '<!doctype html>\n<html><body><script type="module" src="/src/watch.ts"></script></body></html>\n');
  write(
    app,
    "vite.config.js",
    `import { fileURLToPath } from "node:url";

export default {
  build: { rollupOptions: { input: ["index.html", "watch.html"].map((page) => fileURLToPath(new URL(page, import.meta.url))) } },
};
`,
  );
  write(
    app,
    "src/watch.ts",
    `import { App, Credentials, isMongoDBRealmError } from "realm-tabs";

const query = new URLSearchParams(location.search);
// with ?own-worker, the session runs in the app's own worker file (docs/client.md, "Starting the worker yourself")
const worker = query.has("own-worker")
  ? { worker: () => new SharedWorker(new URL("./session-worker.ts", import.meta.url), { type: "module", name: "own" }) }
  : {};
const app = new App({ id: ${JSON.stringify(appId)}, baseUrl: ${JSON.stringify(serverUrl)}, ...worker });
await app.ready;
const user = app.currentUser ?? (await app.logIn(Credentials.anonymous()));
const items = user.mongoClient("mongodb-atlas").db("pack").collection("items");
if (query.has("insert")) {
  await items.insertOne({ at: Date.now() });
  console.log("inserted");
  // the account features are another file the worker loads on first use: the server's answer, even a refusal, shows it loaded
  const keys = await user.apiKeys.fetchAll().then(
    () => "listed",
    (e: unknown) => (isMongoDBRealmError(e) ? "refused by the server" : String(e)),
  );
  console.log(\`api keys \${keys}\`);
} else {
  const changes = items.watch();
  const first = changes.next();
  while ((await app.stats()).openStreams < 1) await new Promise((resolve) => setTimeout(resolve, 50));
  console.log("watching");
  const { value } = await first;
  console.log(\`change \${value?.operationType}\`);
}
`,
  );
  write(app, "src/session-worker.ts", 'import "realm-tabs/worker";\n');
}

/**
 * A test page (`kit.html`, with `realm-tabs/testing/page`), a Playwright config for the system's
 * Chromium and one test that starts the server and the app with the kit, opens two tabs, logs in
 * in one and expects the other to agree, the function to answer and the server to count one login.
 */
export function writeKitTest(app: string): void {
  write(
    app,
    "kit.html",
    `<!doctype html>
<html><body><button>Log in anonymously</button><script type="module" src="/src/kit.ts"></script></body></html>
`,
  );
  write(
    app,
    "src/kit.ts",
    `import { App, BSON, Credentials } from "realm-tabs";
import { installTestPage } from "realm-tabs/testing/page";

const params = new URLSearchParams(location.search);
const app = new App({ id: params.get("app") ?? "", baseUrl: params.get("server") ?? "" });
installTestPage(app, { Credentials, BSON });
document.querySelector("button")?.addEventListener("click", () => void app.logIn(Credentials.anonymous()));
`,
  );
  write(
    app,
    "playwright.config.ts",
    `import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  timeout: 90_000,
  use: { browserName: "chromium", launchOptions: { executablePath: ${JSON.stringify(chromiumPath())}, args: ${JSON.stringify(CHROMIUM_ARGS)} } },
});
`,
  );
  write(
    app,
    "tests/tabs.spec.ts",
    `import { test, expect } from "@playwright/test";
import { startTestServer, startTestPageServer, testPageUrl, openTabs, expectTabsAgree, type TestServer, type TestPageServer } from "realm-tabs/testing";

let server: TestServer;
let pages: TestPageServer;
test.beforeAll(async () => {
  server = await startTestServer({ appId: "kit-app", functionsDir: "functions" });
  pages = await startTestPageServer(); // this app, as \`npx vite\` would serve it
});
test.afterAll(async () => {
  await pages?.close();
  await server?.close();
});

test("a login in one tab reaches the other, with one login request", async ({ context }) => {
  const url = testPageUrl(new URL("/kit.html", pages.url), server);
  const [a, b] = await openTabs(context, url, 2, { timeout: 30_000 });
  await a!.getByRole("button", { name: "Log in anonymously" }).click();
  const view = await expectTabsAgree([a!, b!], (v) => v.currentUserId !== null);
  expect(view.users[0]).toMatchObject({ state: "LoggedIn", providerType: "anon-user" });
  expect(await b!.evaluate(() => window.realmTabs!.app.currentUser!.functions.sum(1, 2))).toBe(3);
  expect((await server.counters()).logins).toBe(1);
});
`,
  );
}
