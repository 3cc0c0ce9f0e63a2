#!/usr/bin/env node
// Compiles the realm-tabs-server package (server/src) to JavaScript with declarations in server/dist.
// The bin (dist/cli.js) and the function runner's worker thread (dist/functions/workerMain.js) run
// from there; nothing of the package is TypeScript at run time. Usage: npm run build -w realm-tabs-server
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const server = fileURLToPath(new URL("../server/", import.meta.url));
rmSync(`${server}dist`, { recursive: true, force: true });
const tsc = spawnSync("npx", ["tsc", "-p", `${server}tsconfig.build.json`], { cwd: server, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
chmodSync(`${server}dist/cli.js`, 0o755);
console.log("build: server/dist written");
