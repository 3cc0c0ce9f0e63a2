/**
 * The probe SharedWorker: the library's session host exactly as worker/entry.ts wires it, with each
 * tab's port wrapped by {@link timedEndpoint}. The benchmark reads and clears the times over CDP
 * (`globalThis.probe.take()`).
 * @packageDocumentation
 */
import { exposeSession } from "../../../src/protocol/comlink.js";
import { browserHostDeps } from "../../../worker/host/browser.js";
import { createSessionHost } from "../../../worker/host/host.js";
import { timedEndpoint, type CallTimes } from "./timing.js";

const host = createSessionHost(browserHostDeps());
const times: CallTimes = { sinceSent: [], processing: [] };
(globalThis as unknown as { probe: { take(): CallTimes } }).probe = {
  take: () => ({ sinceSent: times.sinceSent.splice(0), processing: times.processing.splice(0) }),
};
// this module only ever runs as a SharedWorker (the bench's tsconfig has no webworker types)
const scope = self as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0];
  if (port) exposeSession(host.connection(), timedEndpoint(port, times));
};
