/**
 * The runtime side of realm-tabs' Comlink endpoints (comlink.ts holds the tab side): each
 * {@link SessionApi} method resolves to an {@link Outcome} and never rejects, a failure carrying
 * the error encoded by `serializeError`. A tab's start never needs it: only a runtime (the
 * SharedWorker, or a fallback mode's host in the page) exposes the API.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";
import { serializeError } from "./encodeError.js";
import { serve, withTransfer } from "./receiver.js";
import type { SessionApi, SessionMethod } from "./rpc.js";
import { METHODS, type EncodedSessionApi, type Outcome } from "./comlink.js";

/**
 * Wraps each method of `api` so that it resolves to an {@link Outcome} and never rejects; an
 * `ArrayBuffer` value is transferred, not copied. The result is frozen.
 */
export function encodeOutcomes(api: SessionApi): EncodedSessionApi {
  const encoded: Partial<Record<SessionMethod, (...args: unknown[]) => Promise<Outcome<unknown>>>> = {};
  for (const method of METHODS) {
    encoded[method] = async (...args: unknown[]) => {
      try {
        const value: unknown = await (api[method] as (...a: unknown[]) => Promise<unknown>).apply(api, args);
        const outcome: Outcome<unknown> = { ok: true, value };
        // bytes (a large function result) move to the tab instead of being copied
        return value instanceof ArrayBuffer ? withTransfer(outcome, [value]) : outcome;
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    };
  }
  // frozen: nothing can replace a method of its connection (receiver.ts refuses SET as well)
  return Object.freeze(encoded) as EncodedSessionApi;
}

/**
 * Exposes a per-connection {@link SessionApi} object on one endpoint (a SharedWorker port, a
 * leader's client endpoint, a `MessageChannel` port) to the tab's Comlink proxy, with errors
 * encoded in the results (answered by receiver.ts, which speaks Comlink's protocol).
 */
export function exposeSession(api: SessionApi, endpoint: Endpoint): void {
  serve(encodeOutcomes(api), endpoint);
}
