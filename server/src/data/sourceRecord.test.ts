import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../db.js";
import { startServer } from "../index.js";
import { readSourceRecord, writeSourceRecord } from "./sourceRecord.js";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "rt-record-"));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe("a data directory's record of its data sources", () => {
  it("is read without one, written with the primary and the known data sources, and kept across choices", () => {
    expect(readSourceRecord({ dataDir })).toBeUndefined();
    expect(readSourceRecord({ inMemory: true })).toBeUndefined();
    const db = openDatabase({ dataDir });
    try {
      expect(readSourceRecord({ dataDir })).toBeUndefined();
      writeSourceRecord(db, undefined, "cluster0", ["cluster0"]);
      const first = readSourceRecord({ dataDir });
      expect(first).toEqual({ primary: "cluster0", known: ["cluster0"] });
      writeSourceRecord(db, first, "cluster0", ["analytics", "cluster0"]);
      expect(readSourceRecord({ dataDir })).toEqual({ primary: "cluster0", known: ["analytics", "cluster0"] });
    } finally {
      db.close();
    }
  });

  it("refuses a choice made on a record that changed since the start read it", () => {
    const db = openDatabase({ dataDir });
    try {
      writeSourceRecord(db, undefined, "cluster0", ["cluster0"]);
      expect(() => writeSourceRecord(db, undefined, "analytics", ["analytics", "cluster0"])).toThrow(
        "the data directory records cluster0 primary data source, but this start read none: was another server started on it? Start again",
      );
      expect(readSourceRecord({ dataDir })?.primary).toBe("cluster0");
    } finally {
      db.close();
    }
  });

  it("is written only by a start that succeeds", async () => {
    const taken = await startServer({ inMemory: true });
    try {
      await expect(startServer({ dataDir, port: taken.port })).rejects.toThrow(/EADDRINUSE/);
      expect(readSourceRecord({ dataDir })).toBeUndefined();
    } finally {
      await taken.close();
    }
    const started = await startServer({ dataDir });
    await started.close();
    expect(readSourceRecord({ dataDir })).toEqual({ primary: "mongodb-atlas", known: ["mongodb-atlas"] });
  });
});
