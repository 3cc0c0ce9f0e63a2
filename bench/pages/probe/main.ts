/**
 * The probe benchmark page: the realm-tabs page over the probe SharedWorker (pages/probe/worker.ts),
 * whose calls are timed inside the worker.
 */
import { startTabsBench } from "../tabs/bench.js";
import { askCommits, stampingEndpoint } from "./timing.js";

startTabsBench({
  worker: () => {
    const worker = new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module", name: "realm-tabs-probe" });
    return stampingEndpoint(worker.port);
  },
});
window.bench!.commits = askCommits;
