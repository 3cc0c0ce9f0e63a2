/**
 * The floor SharedWorker: no library, no validation, no store. It answers an echo at once, relays
 * a function call as one `fetch` with a token it got once, and posts a fan-out to every other port
 * in one loop. What it costs is what any SharedWorker design costs on this machine.
 * @packageDocumentation
 */
import { epochNow, type FloorReply, type FloorRequest } from "./protocol.js";
import { answerClockPing } from "../clock.js";

/** Deadline of each request to the server (the tab's own deadline is 30 s). */
const FETCH_DEADLINE_MS = 15_000;
const ports = new Set<MessagePort>();
/** The port each tab asked its pushes to go to, by its connect port. */
const pushPorts = new Map<MessagePort, MessagePort>();
let token: Promise<string> | null = null;

async function logIn(server: string, app: string): Promise<string> {
  const response = await fetch(`${server}/api/client/v2.0/app/${app}/auth/providers/anon-user/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
    signal: AbortSignal.timeout(FETCH_DEADLINE_MS),
  });
  if (!response.ok) throw new Error(`anonymous login: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function relay(port: MessagePort, m: Extract<FloorRequest, { type: "call" }>): Promise<void> {
  token ??= logIn(m.server, m.app).catch((error: unknown) => {
    token = null;
    throw error;
  });
  const response = await fetch(`${m.server}/api/client/v2.0/app/${m.app}/functions/call`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await token}` },
    body: m.body,
    signal: AbortSignal.timeout(FETCH_DEADLINE_MS),
  });
  reply(port, { type: "called", id: m.id, text: await response.text(), status: response.status });
}

function reply(port: MessagePort, message: FloorReply): void {
  port.postMessage(message);
}

function onMessage(port: MessagePort, m: FloorRequest, transferred: readonly MessagePort[]): void {
  switch (m.type) {
    case "echo":
      reply(port, { type: "echoed", id: m.id, inWorkerMs: epochNow() - m.sentAt });
      return;
    case "call":
      relay(port, m).catch((error: unknown) => reply(port, { type: "failed", id: m.id, message: String(error) }));
      return;
    case "fanout": {
      const at = epochNow();
      for (const other of ports) if (other !== port) (pushPorts.get(other) ?? other).postMessage({ type: "push", at } satisfies FloorReply);
      reply(port, { type: "fanned", id: m.id, at, ports: ports.size, loopMs: epochNow() - at });
      return;
    }
    case "push-port":
      if (transferred[0]) pushPorts.set(port, transferred[0]);
      return;
    case "bye":
      ports.delete(port);
      pushPorts.delete(port);
      return;
  }
}

// this module only ever runs as a SharedWorker (the bench's tsconfig has no webworker types)
const scope = self as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0];
  if (!port) return;
  ports.add(port);
  port.onmessage = (message: MessageEvent<FloorRequest>) => {
    if (!answerClockPing(port, message.data)) onMessage(port, message.data, message.ports);
  };
};
