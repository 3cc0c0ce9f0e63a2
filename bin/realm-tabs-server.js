#!/usr/bin/env node
// The realm-tabs-server command: the server is TypeScript run through tsx (the package does not compile it).
import { register } from "tsx/esm/api";

register();
await import("../server/cli.ts");
