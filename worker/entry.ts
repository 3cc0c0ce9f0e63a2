/**
 * The SharedWorker entry: wiring only. Every connecting tab gets its own `SessionApi` object on its
 * port; all of them share one host (`createSessionHost`, host/host.ts). This is the one module with side effects.
 * @packageDocumentation
 * @module realm-tabs/worker
 */
import { exposeSession } from "../src/protocol/expose.js";
import { browserHostDeps } from "./host/browser.js";
import { createSessionHost } from "./host/host.js";

const host = createSessionHost(browserHostDeps());
// lib.webworker types `self` as the dedicated-or-shared WorkerGlobalScope; this module only ever
// runs as a SharedWorker.
const scope = self as unknown as SharedWorkerGlobalScope;

scope.onconnect = (event) => {
  const port = event.ports[0];
  // MessagePorts never report closing; liveness.ts learns of closed tabs through Web Locks.
  if (port) exposeSession(host.connection(), port);
};
