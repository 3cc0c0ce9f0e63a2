import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DB_FILE_NAME, openDatabase, tokenSecret } from "./db.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "rt-db-"));
  dirs.push(dir);
  return dir;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe("data directory permissions", () => {
  it("creates the directory 0700 and the database, WAL and SHM files 0600", () => {
    const dataDir = join(tempRoot(), "nested", "data");
    const db = openDatabase({ dataDir });
    tokenSecret(db);
    const file = join(dataDir, DB_FILE_NAME);
    expect(mode(dataDir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(mode(path), path).toBe(0o600);
    db.close();
  });

  it("tightens the modes of an existing directory and existing files", () => {
    const dataDir = join(tempRoot(), "old");
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const first = openDatabase({ dataDir });
    tokenSecret(first);
    first.close();
    const file = join(dataDir, DB_FILE_NAME);
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);
    writeFileSync(`${file}-wal`, "");
    chmodSync(`${file}-wal`, 0o644);
    const again = openDatabase({ dataDir });
    expect(mode(dataDir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(mode(path), path).toBe(0o600);
    again.close();
  });
});
