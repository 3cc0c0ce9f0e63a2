/**
 * receiver.ts answers Comlink's own proxy (`Comlink.wrap`, the tab side) as `Comlink.expose` would
 * for a frozen record of methods, and refuses what such an object cannot do.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as Comlink from "comlink";
import { serve, withTransfer } from "./receiver.js";

type Api = {
  add(a: number, b: number): Promise<number>;
  fail(): Promise<void>;
  failWith(value: unknown): Promise<void>;
  bytes(text: string): Promise<ArrayBuffer>;
  unclonable(): Promise<() => void>;
  sync(x: string): string;
};

const sent: ArrayBuffer[] = [];
const api: Api = Object.freeze({
  add: async (a: number, b: number) => a + b,
  fail: async () => {
    throw new RangeError("out of range");
  },
  failWith: async (value: unknown) => {
    throw value;
  },
  bytes: async (text: string) => {
    const buffer = new TextEncoder().encode(text).buffer;
    sent.push(buffer);
    return withTransfer(buffer, [buffer]);
  },
  unclonable: async () => () => undefined,
  sync: (x: string) => x.toUpperCase(),
});

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

function connect(): Comlink.Remote<Api> {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  serve(api, port1);
  return Comlink.wrap<Api>(port2);
}

/** An endpoint that records what the receiver posts, for messages Comlink's proxy never sends. */
function recorder() {
  const target = new EventTarget();
  const posted: Record<string, unknown>[] = [];
  let closed = 0;
  const endpoint = Object.assign(target, {
    postMessage: (message: Record<string, unknown>) => void posted.push(message),
    close: () => void closed++,
  });
  serve(api, endpoint);
  const send = (data: unknown) => target.dispatchEvent(new MessageEvent("message", { data }));
  return { posted, send, closed: () => closed };
}

describe("the runtime side of Comlink's protocol", () => {
  it("answers method calls of Comlink's proxy, synchronous methods included", async () => {
    const remote = connect();
    expect(await remote.add(2, 3)).toBe(5);
    expect(await remote.sync("abc")).toBe("ABC");
    const [a, b] = await Promise.all([remote.add(1, 1), remote.add(10, 10)]);
    expect([a, b]).toEqual([2, 20]);
  });

  it("rejects with the error the method threw, as Comlink's 'throw' handler carries it", async () => {
    const remote = connect();
    const error = await remote.fail().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: "out of range", name: "RangeError" });
    // a thrown value that is not an Error arrives as itself
    await expect(remote.failWith({ code: 7 })).rejects.toEqual({ code: 7 });
    expect(await remote.add(1, 2)).toBe(3);
  });

  it("transfers what withTransfer marked instead of copying it", async () => {
    const remote = connect();
    const bytes = await remote.bytes("moved");
    expect(new TextDecoder().decode(bytes)).toBe("moved");
    expect(sent.at(-1)?.byteLength).toBe(0); // detached on the runtime's side: it moved
  });

  it("answers a value that cannot be cloned with Comlink's 'Unserializable return value'", async () => {
    const remote = connect();
    await expect(remote.unclonable()).rejects.toThrow("Unserializable return value");
    expect(await remote.add(1, 1)).toBe(2);
  });

  it("reaches own methods only: prototype members are refused, never called", async () => {
    const remote = connect() as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>;
    const ctor = remote.constructor as unknown as { constructor: (...a: string[]) => Promise<unknown> };
    await expect(ctor.constructor("return 1")).rejects.toMatchObject({
      name: "TypeError",
      message: "a call names one method",
    });
    await expect((remote as unknown as { toString(): Promise<string> }).toString()).rejects.toThrow("no method 'toString'");
    await expect((remote.add as unknown as { call: (...a: unknown[]) => Promise<unknown> }).call(null, 1, 2)).rejects.toThrow(
      "a call names one method",
    );
  });

  it("refuses GET and CONSTRUCT: a member of a frozen set of methods is neither cloned nor constructed", async () => {
    const remote = connect();
    await expect(Promise.resolve(remote.add as unknown)).rejects.toThrow("GET is not supported");
    const Construct = remote.add as unknown as new () => Promise<unknown>;
    await expect(new Construct()).rejects.toThrow("CONSTRUCT is not supported");
  });

  it("refuses a proxied argument: the runtime never calls back into a tab", async () => {
    const remote = connect() as unknown as { add(a: unknown, b: number): Promise<number> };
    const callback = vi.fn(() => 1);
    await expect(remote.add(Comlink.proxy(callback), 1)).rejects.toThrow("plain (RAW)");
    expect(callback).not.toHaveBeenCalled();
  });

  it("serves the same object on a new port for createEndpoint", async () => {
    const remote = connect();
    const port = await remote[Comlink.createEndpoint]();
    open.push(port);
    const second = Comlink.wrap<Api>(port);
    expect(await second.add(4, 4)).toBe(8);
    expect(await remote.add(1, 1)).toBe(2);
  });

  it("answers RELEASE, then stops listening and closes its endpoint", async () => {
    const { posted, send, closed } = recorder();
    send({ id: "r", type: "RELEASE" });
    await vi.waitFor(() => expect(posted).toEqual([{ id: "r", type: "RAW", value: undefined }]));
    expect(closed()).toBe(1);
    send({ id: "after", type: "APPLY", path: ["add"], argumentList: [] });
    // a listener still in place would have replied by the next macrotask (the reply is a microtask chain)
    await new Promise((resolve) => setImmediate(resolve));
    expect(posted.map((m) => m.id)).toEqual(["r"]);
  });

  it("ignores what Comlink's endpoint ignores, and answers a malformed call with an error instead of throwing", async () => {
    const { posted, send } = recorder();
    send(null);
    send("text");
    send({ id: "u", type: "UNKNOWN" });
    send({ id: "p", type: "APPLY", path: "add", argumentList: [] });
    send({ id: "d", type: "APPLY", path: ["add", "x"], argumentList: [] });
    send({ id: "a", type: "APPLY", path: ["add"], argumentList: 5 });
    send({ id: "h", type: "APPLY", path: ["add"], argumentList: [{ type: "HANDLER", name: "throw", value: {} }] });
    send({ id: "s", type: "SET", path: ["add"], value: { type: "RAW", value: 1 } });
    send({
      id: "ok",
      type: "APPLY",
      path: ["add"],
      argumentList: [
        { type: "RAW", value: 1 },
        { type: "RAW", value: 2 },
      ],
    });
    await vi.waitFor(() => expect(posted).toHaveLength(6));
    const byId: Record<string, Record<string, unknown>> = Object.fromEntries(posted.map((m) => [String(m.id), m]));
    for (const id of ["p", "d", "a", "h", "s"]) {
      expect(byId[id], id).toMatchObject({ type: "HANDLER", name: "throw", value: { isError: true, value: { name: "TypeError" } } });
    }
    expect(byId["ok"]).toEqual({ id: "ok", type: "RAW", value: 3 });
    expect(Object.isFrozen(api) && api.add).toBeTypeOf("function");
  });
});

describe("an endpoint that can no longer post", () => {
  it("drops the reply quietly: nothing is thrown or left rejected in the runtime", async () => {
    const target = new EventTarget();
    let attempts = 0;
    const endpoint = Object.assign(target, {
      postMessage: () => {
        attempts++;
        throw new DOMException("the channel is closed", "InvalidStateError");
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      serve({ ping: async () => "pong" }, endpoint);
      target.dispatchEvent(new MessageEvent("message", { data: { id: "1", type: "APPLY", path: ["ping"], argumentList: [] } }));
      await vi.waitFor(() => expect(attempts).toBe(2));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
