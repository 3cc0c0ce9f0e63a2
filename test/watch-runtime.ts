/**
 * A fake session runtime for the tab's watch iterator: `watch` records the port it is given and
 * answers a watch id, `unwatch` records the id; `send` posts a message on the newest port.
 */
import type { WatchMessage } from "../src/protocol/rpc.js";
import type { RuntimeCall } from "../src/watch.js";

/** The fake runtime: its call function, the ports it was given, the ids it released, and `send`. */
export function fakeWatchRuntime(): { call: RuntimeCall; ports: MessagePort[]; unwatched: string[]; send(m: WatchMessage): void } {
  const ports: MessagePort[] = [];
  const unwatched: string[] = [];
  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {
    watch: async (_k: string, _u: string, _r: unknown, port: MessagePort) => {
      ports.push(port);
      return `w${ports.length}`;
    },
    unwatch: async (id: string) => {
      unwatched.push(id);
    },
  };
  const call: RuntimeCall = async (op, run) => run(methods[op.method] as never, "app-key");
  const send = (m: WatchMessage): void => ports.at(-1)!.postMessage(m);
  return { call, ports, unwatched, send };
}
