/**
 * The probe SharedWorker: the library's session host exactly as worker/entry.ts wires it, with each
 * tab's port and the host's `fetch` timed by a {@link CallClock}. The benchmark reads and clears the
 * times over CDP (`globalThis.probe.take()`).
 * @packageDocumentation
 */
import { exposeSession } from "../../../src/protocol/comlink.js";
import { browserHostDeps } from "../../../worker/host/browser.js";
import { createSessionHost } from "../../../worker/host/host.js";
import { CallClock } from "./timing.js";

const clock = new CallClock();
const host = createSessionHost(browserHostDeps({ fetch: clock.fetch }));
(globalThis as unknown as { probe: CallClock }).probe = clock;
// this module only ever runs as a SharedWorker (the bench's tsconfig has no webworker types)
const scope = self as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0];
  if (port) exposeSession(host.connection(), clock.endpoint(port));
};
