/**
 * The probe benchmark page: the realm-tabs page over the probe SharedWorker (pages/probe/worker.ts),
 * whose calls are timed inside the worker.
 */
import { startTabsBench } from "../tabs/bench.js";
import { askCommits, stampingEndpoint } from "./timing.js";
import { measureClockOffset } from "../clock.js";

let port: MessagePort | null = null;
let stamping: ReturnType<typeof stampingEndpoint> | null = null;
startTabsBench({
  worker: () => {
    const worker = new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module", name: "realm-tabs-probe" });
    port = worker.port;
    stamping = stampingEndpoint(worker.port);
    return stamping;
  },
});
window.bench!.commits = askCommits;
window.bench!.clockOffset = async () => {
  if (!port || !stamping) throw new Error("the probe worker is not started yet");
  const offset = await measureClockOffset(port);
  stamping.offsetMs = offset.offsetMs; // calls stamp their post on the worker's clock from now on
  return offset;
};
