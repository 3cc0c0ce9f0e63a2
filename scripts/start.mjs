#!/usr/bin/env node
// npm start: the local App Services server (its compiled CLI, embedded store in .data/, running the
// demo's exported App Services app demo/app with its rules) plus the Vite dev server of demo/, then ONE
// line with the URL to open. Ctrl-C or SIGTERM stops both. Port 8787 for the server and 5173 for the page, or free ones if taken.
import { spawn, spawnSync } from "node:child_process";
import { createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1";
const START_DEADLINE_MS = 60_000;

/** Resolves true if `port` can be bound on HOST now. */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** Starts the server CLI and resolves with its URL once it prints `listening on <url>`. */
function startApiServer(port) {
  const args = ["server/dist/cli.js", "--port", String(port), "--host", HOST, "--app", "demo/app", "--data", ".data"];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not print "listening on" within ${START_DEADLINE_MS / 1000} s`)),
      START_DEADLINE_MS,
    );
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const match = /listening on (\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}) before listening`));
    });
  });
  return { child, url };
}

/** Stops the child with SIGTERM, and SIGKILL after 5 s. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function main() {
  // The server runs as its package ships it: compiled JavaScript (server/dist), built here first.
  const build = spawnSync(process.execPath, ["scripts/build-server.mjs"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (build.status !== 0) throw new Error("building the server (scripts/build-server.mjs) failed");
  const api = startApiServer((await portFree(8787)) ? 8787 : 0);
  let vite = null;
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([vite?.close(), stopChild(api.child)]);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  // `npm start` killed with SIGTERM exits without passing it on: stop when our parent goes away
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 1000).unref();
  api.child.once("exit", (code) => {
    if (!stopping) {
      console.error(`realm-tabs demo: the server stopped (code ${code})`);
      void stop(1);
    }
  });
  try {
    const serverUrl = await api.url;
    process.env.REALM_TABS_SERVER_URL = serverUrl;
    const { createServer } = await import("vite");
    vite = await createServer({ configFile: `${root}demo/vite.config.ts`, logLevel: "warn" });
    await vite.listen();
    const pageUrl = vite.resolvedUrls?.local[0];
    if (!pageUrl) throw new Error("the Vite server reported no local URL");
    console.log(`realm-tabs demo: open ${pageUrl} in two or more tabs (server ${serverUrl}); Ctrl-C to stop`);
  } catch (error) {
    console.error(`realm-tabs demo: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

void main();
