/**
 * The probe SharedWorker: the library's session host exactly as worker/entry.ts wires it, with each
 * tab's port and the host's `fetch` timed by a {@link CallClock} and each store commit timed by a
 * {@link CommitLog}. The worker benchmark reads and clears the call times over CDP
 * (`globalThis.probe.take()`); the fan-out benchmark asks for the commit log on the
 * {@link PROBE_CHANNEL} BroadcastChannel (which works in Firefox too).
 * @packageDocumentation
 */
import { exposeSession } from "../../../src/protocol/expose.js";
import { browserHostDeps } from "../../../worker/host/browser.js";
import { createSessionHost } from "../../../worker/host/host.js";
import { CallClock, CommitLog, PROBE_CHANNEL } from "./timing.js";
import { answerClockPing } from "../clock.js";

const clock = new CallClock();
const commits = new CommitLog();
const deps = browserHostDeps({ fetch: clock.fetch });
const host = createSessionHost({ ...deps, openStore: (hooks) => commits.wrap(deps.openStore(hooks)) });
(globalThis as unknown as { probe: CallClock }).probe = clock;
// asked only between measurements: no message goes out while a change fans out
const channel = new BroadcastChannel(PROBE_CHANNEL);
channel.onmessage = (event: MessageEvent) => {
  if ((event.data as { ask?: unknown } | null)?.ask === "commits") channel.postMessage({ commits: commits.take() });
};
// this module only ever runs as a SharedWorker (the bench's tsconfig has no webworker types)
const scope = self as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0];
  if (!port) return;
  // before Comlink's listener: the push port a connect hands over posts through the commit log's timer
  port.addEventListener("message", (message: MessageEvent) => {
    if (!answerClockPing(port, message.data)) commits.timePushPort(message.data);
  });
  exposeSession(host.connection(), clock.endpoint(port));
};
