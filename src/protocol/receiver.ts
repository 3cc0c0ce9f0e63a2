/**
 * The runtime side of Comlink's wire protocol (comlink 4), for the one kind of object a runtime
 * exposes: a frozen record of methods (expose.ts). Tabs keep Comlink's own proxy (`Comlink.wrap`,
 * comlink.ts); this module answers its messages. It stands in for `Comlink.expose` because the
 * runtime needs only the answering half, and comlink's module cannot lose the other half to tree
 * shaking (its table of transfer handlers keeps the proxy code alive): about 1.0 kB gzip of the
 * SharedWorker (bench/size/check.ts).
 *
 * What differs from `Comlink.expose`, on purpose: a call reaches the object's own methods only (not
 * `constructor` or anything else from a prototype), a message that is not well formed gets an
 * error reply instead of throwing inside the listener, and a proxied argument (`Comlink.proxy`) is
 * refused, since the runtime never calls back into a tab.
 * @packageDocumentation
 */
import type { Endpoint } from "comlink";

/** A value as Comlink's messages carry it. */
type WireValue = { type: "RAW"; value: unknown } | { type: "HANDLER"; name: string; value: unknown };

const transferables = new WeakMap<object, Transferable[]>();

/**
 * Marks `value` so that the reply carrying it transfers `transfer` instead of copying it, as
 * `Comlink.transfer` does for Comlink's own endpoints.
 * @returns `value` itself
 */
export function withTransfer<T extends object>(value: T, transfer: Transferable[]): T {
  transferables.set(value, transfer);
  return value;
}

/** Comlink's "throw" handler's form of an error, which the tab's Comlink rethrows. */
function thrown(error: unknown): WireValue {
  const value =
    error instanceof Error
      ? { isError: true, value: { message: error.message, name: error.name, stack: error.stack } }
      : { isError: false, value: error };
  return { type: "HANDLER", name: "throw", value };
}

/** The method a Comlink `APPLY` names: an own member of `target` (path of one string), called with RAW arguments. */
function call(target: object, path: unknown, args: unknown): unknown {
  const [name, ...rest] = Array.isArray(path) ? (path as unknown[]) : [];
  const method =
    typeof name === "string" && rest.length === 0 && Object.hasOwn(target, name) ? (target as Record<string, unknown>)[name] : null;
  if (typeof method !== "function")
    throw new TypeError(typeof name === "string" && rest.length === 0 ? `no method '${name.slice(0, 64)}'` : "a call names one method");
  if (!Array.isArray(args) || !args.every((a) => (a as Partial<WireValue> | null)?.type === "RAW"))
    throw new TypeError("the arguments must be plain (RAW) values");
  return (method as (...a: unknown[]) => unknown).apply(
    target,
    args.map((a) => (a as { value: unknown }).value),
  );
}

/**
 * Serves `target` on `endpoint` to Comlink proxies (`Comlink.wrap`): `APPLY` of its own methods,
 * `ENDPOINT` (a new port serving the same object) and `RELEASE` (the endpoint is closed). `GET`,
 * `SET` and `CONSTRUCT` get an error reply: a member of a frozen set of methods can be neither
 * cloned, replaced nor constructed. Each reply is Comlink's: the value (transferring what
 * {@link withTransfer} marked), or the error in the form of Comlink's "throw" handler.
 */
export function serve(target: object, endpoint: Endpoint): void {
  const reply = (id: unknown, wire: WireValue, transfer: Transferable[] = []): void => {
    try {
      endpoint.postMessage({ ...wire, id }, transfer);
    } catch {
      try {
        endpoint.postMessage({ ...thrown(new TypeError("Unserializable return value")), id });
      } catch {
        // the endpoint is gone (a closed channel): no tab waits for this reply
      }
    }
  };
  const listener = (event: Event): void => {
    const data: unknown = (event as MessageEvent).data;
    if (typeof data !== "object" || data === null) return;
    const message = data as Record<string, unknown>;
    let pending: Promise<unknown>;
    switch (message.type) {
      case "APPLY":
        pending = new Promise((settle) => settle(call(target, message.path, message.argumentList)));
        break;
      case "ENDPOINT": {
        const { port1, port2 } = new MessageChannel();
        serve(target, port2);
        pending = Promise.resolve(withTransfer(port1, [port1]));
        break;
      }
      case "RELEASE":
        pending = Promise.resolve(undefined);
        break;
      case "GET":
      case "SET":
      case "CONSTRUCT":
        pending = Promise.reject(new TypeError(`${message.type} is not supported: the session API is a frozen set of methods`));
        break;
      default:
        return;
    }
    pending.then(
      (value) => {
        const transfer = typeof value === "object" && value !== null ? transferables.get(value) : undefined;
        reply(message.id, { type: "RAW", value }, transfer);
        if (message.type !== "RELEASE") return;
        endpoint.removeEventListener("message", listener);
        (endpoint as Partial<MessagePort>).close?.();
      },
      (error: unknown) => reply(message.id, thrown(error)),
    );
  };
  endpoint.addEventListener("message", listener);
  endpoint.start?.();
}
