#!/usr/bin/env node
// Copies the server's documentation (docs/server.md, docs/functions.md, docs/graphql.md) into server/docs/ so that
// the realm-tabs-server tarball ships the pages its README links to. Runs on `npm pack -w
// realm-tabs-server` (prepack); server/docs/ is a build output, not committed.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}server/docs`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
for (const page of ["server.md", "functions.md", "graphql.md"]) copyFileSync(`${root}docs/${page}`, `${out}/${page}`);
console.log("build: server/docs written (server.md, functions.md, graphql.md)");
