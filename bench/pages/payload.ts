/**
 * The function-call payloads, built the same way in both pages: a small document, and a ~100 KB
 * document of 640 sub-documents with ObjectId, Date, Int32 and string fields.
 * @packageDocumentation
 */
import type { PayloadKind, WatchStats } from "./contract.js";

/** The parts of the `bson` package the payload needs (both libraries re-export it). */
export interface BsonLike {
  ObjectId: new () => object;
  EJSON: { stringify(value: unknown, options?: { relaxed?: boolean }): string };
}

/** Builds a payload of one kind. */
export function makePayload(bson: BsonLike, kind: PayloadKind): unknown {
  if (kind === "small") return { n: 1, s: "hello" };
  const items = Array.from({ length: 640 }, (_, i) => ({
    _id: new bson.ObjectId(),
    i,
    at: new Date(1_700_000_000_000 + i),
    s: "x".repeat(40),
  }));
  return { items };
}

/** A ticker that calls `call` every `intervalMs` and counts calls and failures. */
export function makeTicker(call: () => Promise<unknown>): {
  start(intervalMs: number): void;
  stop(): { calls: number; failures: number; lastError: string | null };
} {
  let timer: ReturnType<typeof setInterval> | undefined;
  let first: ReturnType<typeof setTimeout> | undefined;
  const stats = { calls: 0, failures: 0, lastError: null as string | null };
  return {
    start(intervalMs) {
      const tick = (): void => {
        stats.calls += 1;
        call().catch((error: unknown) => {
          stats.failures += 1;
          stats.lastError = String(error);
        });
      };
      first = setTimeout(() => {
        tick();
        timer = setInterval(tick, intervalMs);
      }, Math.random() * intervalMs);
    },
    stop() {
      clearTimeout(first);
      clearInterval(timer);
      return { ...stats };
    },
  };
}

/** Epoch milliseconds, comparable across tabs of one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Times `count` sequential calls. */
export async function timeCalls(count: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now();
    await call();
    out.push(performance.now() - t0);
  }
  return out;
}

/** A watch over an async generator of change events whose `fullDocument.at` is the insert time. */
export function makeWatcher(): { start(gen: AsyncGenerator<unknown>): void; stats(): WatchStats; stop(): Promise<void> } {
  let current: AsyncGenerator<unknown> | null = null;
  let stats: WatchStats = { events: 0, delaysMs: [], error: null };
  return {
    start(gen) {
      current = gen;
      stats = { events: 0, delaysMs: [], error: null };
      const mine = stats;
      void (async () => {
        try {
          for await (const change of gen) {
            const at = (change as { fullDocument?: { at?: unknown } }).fullDocument?.at;
            mine.events += 1;
            if (typeof at === "number") mine.delaysMs.push(epochNow() - at);
          }
        } catch (error) {
          mine.error = String(error);
        }
      })();
    },
    stats: () => ({ ...stats, delaysMs: [...stats.delaysMs] }),
    async stop() {
      await current?.return(undefined);
      current = null;
    },
  };
}
