/**
 * The SharedWorker entry: wiring only. Every connecting tab gets its own `SessionApi` object on its
 * port; all of them share one {@link createSessionHost} host. This is the one module with side effects.
 * @packageDocumentation
 */
import { expose } from "comlink";
import { installErrorTransfer } from "../src/protocol/comlink.js";
import { browserHostDeps } from "./host/browser.js";
import { createSessionHost } from "./host/host.js";

/** The part of `SharedWorkerGlobalScope` used here (tsconfig has the DOM lib, not WebWorker). */
interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null;
}

installErrorTransfer();
const host = createSessionHost(browserHostDeps());
const scope = globalThis as unknown as SharedWorkerScope;

scope.onconnect = (event) => {
  const port = event.ports[0];
  // MessagePorts never report closing; liveness.ts learns of closed tabs through Web Locks.
  if (port) expose(host.connection(), port);
};
