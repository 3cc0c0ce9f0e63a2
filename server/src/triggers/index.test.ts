import { Timestamp } from "bson";
import { describe, expect, test } from "vitest";
import type { ChangeEvent, MongoService } from "../contracts.js";
import { startTriggers } from "./index.js";
import { scheduleOf } from "./scheduled.js";
import type { DatabaseTrigger } from "./types.js";

type Listener = (event: ChangeEvent, before?: Record<string, unknown> | null) => void;

/** A MongoService whose watches the test drives by hand. */
function fakeMongo(): { mongo: MongoService; emit(n: number): void; watching(): number } {
  const listeners = new Set<Listener>();
  const mongo = {
    hasService: () => true,
    watch: (_service: string, _args: unknown, onEvent: Listener) => {
      listeners.add(onEvent);
      return () => listeners.delete(onEvent);
    },
  } as unknown as MongoService;
  const emit = (n: number): void => {
    const event: ChangeEvent = {
      _id: { _data: String(n) },
      operationType: "insert",
      clusterTime: new Timestamp({ t: n, i: 1 }),
      wallTime: new Date(n * 1000),
      ns: { db: "d", coll: "c" },
      documentKey: { _id: n },
      fullDocument: { _id: n },
    };
    for (const l of listeners) l(event, null);
  };
  return { mongo, emit, watching: () => listeners.size };
}

const SPEC: DatabaseTrigger = {
  type: "DATABASE",
  name: "t",
  functionName: "f",
  service: "mongodb-atlas",
  database: "d",
  collection: "c",
  operationTypes: new Set(["INSERT"]),
  fullDocument: false,
  fullDocumentBeforeChange: false,
  match: undefined,
  project: undefined,
  unordered: false,
};

describe("running triggers", () => {
  test("a report that throws neither stops the trigger nor escapes; after stop nothing is called or reported", async () => {
    const { mongo, emit, watching } = fakeMongo();
    const calls: unknown[] = [];
    let reports = 0;
    const running = startTriggers([SPEC], mongo, {
      call: (_name, args) => {
        calls.push((args[0] as { documentKey: { _id: number } }).documentKey._id);
        return Promise.reject(new Error("no"));
      },
      report: () => {
        reports++;
        throw new Error("the report failed");
      },
    });
    emit(1);
    emit(2);
    await expect.poll(() => [calls, reports]).toEqual([[1, 2], 2]);
    running.stop();
    expect(watching()).toBe(0);
    emit(3);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([1, 2]);
  });

  test("resubscribe watches again (after a reset ended every watch); the event keeps the feed's times", async () => {
    const { mongo, emit, watching } = fakeMongo();
    const events: Record<string, unknown>[] = [];
    const running = startTriggers([SPEC], mongo, {
      call: (_name, args) => {
        events.push(args[0] as Record<string, unknown>);
        return Promise.resolve();
      },
      report: () => undefined,
    });
    running.resubscribe();
    expect(watching()).toBe(1);
    emit(7);
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({ wallTime: new Date(7000), clusterTime: { _bsontype: "Timestamp" } });
    expect(String((events[0]?.clusterTime as { t: number }).t)).toBe("7");
    expect(running.onAuthEvent).toBeUndefined();
    running.stop();
  });
});

describe("schedules", () => {
  const next = (schedule: string, from: string): string | undefined =>
    scheduleOf({ type: "SCHEDULED", name: "s", functionName: "f", schedule }).nextRun(new Date(from))?.toISOString();

  test("read in UTC, with a step after a number, and day of month AND weekday, as App Services reads them", () => {
    expect(next("0 11 * * *", "2026-12-01T12:00:00Z")).toBe("2026-12-02T11:00:00.000Z");
    expect(next("0/30 * * * *", "2026-12-01T12:10:00Z")).toBe("2026-12-01T12:30:00.000Z");
    // Friday the 13th only (2027-08-13), not every Friday
    expect(next("0 0 13 * 5", "2026-12-01T00:00:00Z")).toBe("2027-08-13T00:00:00.000Z");
  });
});
