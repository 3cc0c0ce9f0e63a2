/**
 * The leader side of leader mode: every tab in leader mode stands for election; the winner hosts
 * the same session runtime as the SharedWorker (`createSessionHost`, loaded lazily) and serves
 * every tab's connection over the RPC BroadcastChannel. One candidacy per tab and runtime name,
 * shared by the Apps of the tab (reference counted).
 * @packageDocumentation
 */
import { exposeSession } from "../protocol/expose.js";
import { serveClients, type ClientServer } from "./endpoint.js";
import { standForLeader, type Candidacy } from "./election.js";
import { rpcChannelName } from "../protocol/names.js";
import { loadRuntimeModules } from "./loaders.js";

interface HostedRuntime {
  server: ClientServer;
  close(): void;
}

interface Seat {
  refs: number;
  candidacy: Candidacy;
  hosted: HostedRuntime | null;
  closed: boolean;
}

const seats = new Map<string, Seat>();

async function host(name: string, buildId: string, seat: Seat): Promise<void> {
  const { createSessionHost, browserHostDeps, openPageChannel } = await loadRuntimeModules();
  if (seat.closed) return;
  const runtime = createSessionHost(browserHostDeps({ buildId, channel: openPageChannel }));
  const channel = new BroadcastChannel(rpcChannelName(name));
  const leaderId = crypto.randomUUID();
  const server = serveClients(channel, leaderId, buildId, (_clientId, endpoint) =>
    exposeSession(runtime.connection({ privatePort: false }), endpoint),
  );
  const stopWatching = runtime.onTabGone((tabId) => server.drop(tabId));
  seat.hosted = {
    server,
    close() {
      stopWatching();
      server.close();
      channel.close();
      runtime.close();
    },
  };
}

/**
 * Joins the election for the runtime `name` (once per tab; later calls share the candidacy).
 * @param name - the runtime name (the worker name; one per build variant)
 * @param buildId - announced by this tab if it leads
 * @returns whether Web Locks run the election, and `leave()`; the last leave resigns
 */
export function joinElection(name: string, buildId: string): { webLocks: boolean; leave(): void } {
  let seat = seats.get(name);
  if (!seat) {
    const s: Seat = { refs: 0, candidacy: standForLeader(name), hosted: null, closed: false };
    void s.candidacy.elected
      .then(() => host(name, buildId, s))
      .catch((e: unknown) => {
        console.error("[realm-tabs] this tab was elected leader but could not start the runtime", e);
        s.candidacy.resign();
      });
    seats.set(name, s);
    seat = s;
  }
  seat.refs += 1;
  const joined = seat;
  let left = false;
  return {
    webLocks: joined.candidacy.webLocks,
    leave() {
      if (left) return;
      left = true;
      joined.refs -= 1;
      if (joined.refs > 0) return;
      joined.closed = true;
      joined.hosted?.close();
      joined.candidacy.resign();
      seats.delete(name);
    },
  };
}
