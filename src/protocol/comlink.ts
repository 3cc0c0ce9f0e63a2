/**
 * Comlink for realm-tabs' own endpoints, with errors that keep their class and fields. Comlink's
 * "throw" transfer handler keeps only `message`, `name` and `stack`, and replacing it would change
 * error handling for every other Comlink user of the page (transfer handlers are global). Instead,
 * the runtime side never lets a {@link SessionApi} method throw across the port: each result travels
 * as an {@link Outcome}, a failure carrying the error encoded by `errors.ts`; the tab side turns a
 * failed outcome back into the thrown `MongoDBRealmError` / `RealmTabsError`. Nothing global changes.
 * @packageDocumentation
 */
import * as Comlink from "comlink";
import { RealmTabsError, deserializeError, serializeError, type SerializedError } from "./errors.js";
import { READ_ONLY_METHODS, type SessionApi, type SessionMethod } from "./rpc.js";

/** The result of one call as it crosses the port: the value, or the encoded error. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

type AsyncResult<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/** What the runtime side exposes: each {@link SessionApi} method, resolving to an {@link Outcome}. */
export type EncodedSessionApi = {
  [M in SessionMethod]: (...args: Parameters<SessionApi[M]>) => Promise<Outcome<AsyncResult<SessionApi[M]>>>;
};

const METHODS = Object.keys(READ_ONLY_METHODS) as SessionMethod[];

function isOutcome(x: unknown): x is Outcome<unknown> {
  if (typeof x !== "object" || x === null) return false;
  const o = x as { ok?: unknown; error?: unknown };
  return o.ok === true || (o.ok === false && typeof o.error === "object" && o.error !== null);
}

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
        return value instanceof ArrayBuffer ? Comlink.transfer(outcome, [value]) : outcome;
      } catch (error) {
        return { ok: false, error: serializeError(error) };
      }
    };
  }
  // frozen: a Comlink SET from a rogue script cannot replace a method of its connection
  return Object.freeze(encoded) as EncodedSessionApi;
}

/**
 * Unwraps an {@link Outcome}.
 * @throws the decoded error (`MongoDBRealmError`, `RealmTabsError`, `WatchError`, …) of a failed outcome;
 *   {@link RealmTabsError} `internal` if the reply is not an outcome at all
 */
export function unwrapOutcome<T>(reply: Outcome<T>): T {
  if (!isOutcome(reply))
    throw new RealmTabsError("internal", "the session runtime sent a reply that is not an outcome", { retryable: false });
  if (reply.ok) return reply.value;
  throw deserializeError(reply.error);
}

/**
 * Exposes a per-connection {@link SessionApi} object on one endpoint (a SharedWorker port, a
 * leader's client endpoint, a `MessageChannel` port), with errors encoded in the results.
 */
export function exposeSession(api: SessionApi, endpoint: Comlink.Endpoint): void {
  Comlink.expose(encodeOutcomes(api), endpoint);
}

/**
 * Wraps the tab's endpoint to the runtime: calls return the value, or reject with the error the
 * runtime threw, class and fields kept. `releaseProxy` and `createEndpoint` reach Comlink's proxy.
 */
export function wrapSession(endpoint: Comlink.Endpoint): Comlink.Remote<SessionApi> {
  const remote = Comlink.wrap<EncodedSessionApi>(endpoint);
  const api: Record<PropertyKey, unknown> = {
    [Comlink.releaseProxy]: () => remote[Comlink.releaseProxy](),
    [Comlink.createEndpoint]: () => remote[Comlink.createEndpoint](),
  };
  for (const method of METHODS) {
    const call = remote[method] as unknown as (...args: unknown[]) => Promise<Outcome<unknown>>;
    api[method] = (...args: unknown[]) => call(...args).then(unwrapOutcome);
  }
  return api as unknown as Comlink.Remote<SessionApi>;
}
