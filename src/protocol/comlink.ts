/**
 * Comlink for realm-tabs' own endpoints, with errors that keep their class and fields. Comlink's
 * "throw" transfer handler keeps only `message`, `name` and `stack`, and replacing it would change
 * error handling for every other Comlink user of the page (transfer handlers are global). Instead,
 * the runtime side (expose.ts) never lets a {@link SessionApi} method throw across the port: each
 * result travels as an {@link Outcome}, a failure carrying the error encoded by `encodeError.ts`; the
 * tab side (this module) turns a failed outcome back into the thrown `MongoDBRealmError` /
 * `RealmTabsError`. Nothing global changes.
 * @packageDocumentation
 */
import * as Comlink from "comlink";
import { RealmTabsError, deserializeError, type SerializedError } from "./errors.js";
import { READ_ONLY_METHODS, type SessionApi, type SessionMethod } from "./rpc.js";

/** The result of one call as it crosses the port: the value, or the encoded error. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

type AsyncResult<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/** What the runtime side exposes: each {@link SessionApi} method, resolving to an {@link Outcome}. */
export type EncodedSessionApi = {
  [M in SessionMethod]: (...args: Parameters<SessionApi[M]>) => Promise<Outcome<AsyncResult<SessionApi[M]>>>;
};

/** Every method of the session API. */
export const METHODS = Object.keys(READ_ONLY_METHODS) as SessionMethod[];

function isOutcome(x: unknown): x is Outcome<unknown> {
  if (typeof x !== "object" || x === null) return false;
  const o = x as { ok?: unknown; error?: unknown };
  return o.ok === true || (o.ok === false && typeof o.error === "object" && o.error !== null);
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
