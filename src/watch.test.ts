/** The tab's watch iterator over a MessagePort, with a fake runtime call. */
import { describe, expect, it } from "vitest";
import { RealmTabsError, WatchError } from "./protocol/errors.js";
import { serializeError } from "./protocol/encodeError.js";
import { watchCollection, type RuntimeCall } from "./watch.js";
import { fakeWatchRuntime as fakeRuntime } from "../test/watch-runtime.js";

const request = { service: "s", database: "d", collection: "c" };

describe("watch iterator liveness", () => {
  it("ends with a retryable watch-closed when the runtime stops answering (a dead SharedWorker closes no port)", async () => {
    const ports: MessagePort[] = [];
    let alive = true;
    const methods: Record<string, (...args: never[]) => Promise<unknown>> = {
      watch: async (_k: string, _u: string, _r: unknown, port: MessagePort) => {
        ports.push(port);
        return "w1";
      },
      stats: async () => ({}),
      unwatch: async () => undefined,
    };
    const call: RuntimeCall = async (op, run) => {
      if (op.method !== "watch" && !alive) throw new RealmTabsError("timeout", "the session runtime did not answer");
      return run(methods[op.method] as never, "app-key");
    };
    const it = watchCollection(call, "u1", request, { livenessMs: 20 });
    const first = it.next();
    await expect.poll(() => ports.length).toBe(1);
    ports[0]!.postMessage({ type: "event", ejson: '{"operationType":"insert"}' });
    expect((await first).value?.operationType).toBe("insert");
    alive = false; // the worker died: its port stays silent
    await expect(it.next()).rejects.toMatchObject({ code: "watch-closed", retryable: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});

describe("watch iterator", () => {
  it("starts on the first next(), yields decoded events, and unwatches on return()", async () => {
    const rt = fakeRuntime();
    const it = watchCollection(rt.call, "u1", request);
    expect(rt.ports).toHaveLength(0);
    const first = it.next();
    await expect.poll(() => rt.ports.length).toBe(1);
    rt.send({
      type: "event",
      ejson: '{"operationType":"insert","fullDocument":{"n":{"$numberInt":"1"},"when":{"$date":{"$numberLong":"0"}}}}',
    });
    const r = await first;
    expect(r.value?.operationType === "insert" && r.value.fullDocument).toEqual({ n: 1, when: new Date(0) });
    await it.return(undefined); // what `break` in a for-await loop calls
    await expect.poll(() => rt.unwatched).toEqual(["w1"]);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("concurrent next() calls each get an event in order", async () => {
    const rt = fakeRuntime();
    const it = watchCollection(rt.call, "u1", request);
    const p1 = it.next(),
      p2 = it.next();
    await expect.poll(() => rt.ports.length).toBe(1);
    rt.send({ type: "event", ejson: '{"operationType":"insert","n":{"$numberInt":"1"}}' });
    rt.send({ type: "event", ejson: '{"operationType":"insert","n":{"$numberInt":"2"}}' });
    const n = (r: IteratorResult<unknown>): unknown => (r.value as Record<string, unknown> | undefined)?.n;
    expect([n(await p1), n(await p2)]).toEqual([1, 2]);
    await it.return(undefined);
  });

  it("throws the runtime's error with its class, then is done", async () => {
    const rt = fakeRuntime();
    const it = watchCollection(rt.call, "u1", request);
    const p = it.next();
    await expect.poll(() => rt.ports.length).toBe(1);
    rt.send({ type: "error", error: serializeError(new RealmTabsError("watch-closed", "logged out")) });
    await expect(p).rejects.toMatchObject({ name: "RealmTabsError", code: "watch-closed" });
    expect((await it.next()).done).toBe(true);
    const it2 = watchCollection(rt.call, "u1", request);
    const p2 = it2.next();
    await expect.poll(() => rt.ports.length).toBe(2);
    rt.send({ type: "error", error: serializeError(new WatchError("InvalidSession", "gone")) });
    await expect(p2).rejects.toBeInstanceOf(WatchError);
    await expect(p2).rejects.toMatchObject({ code: "InvalidSession", message: "gone" });
  });
});
