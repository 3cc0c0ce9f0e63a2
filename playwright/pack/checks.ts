/**
 * Named checks of the pack suite: each one passes or fails on its own, is printed as it ends, and is
 * counted in the results file that scripts/test.mjs adds to its summary line.
 */
import { writeFileSync } from "node:fs";

/** The outcome of one named check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  seconds: number;
  /** Why it failed (absent when it passed). */
  error?: string;
}

/** Runs named checks and keeps their outcomes. */
export class Checks {
  readonly results: CheckResult[] = [];

  /**
   * Runs `fn` as the check `name`: passed if it resolves, failed (with the error) if it throws.
   * Returns whether it passed, so that later checks that need its result can be skipped.
   */
  async run(name: string, fn: () => Promise<void> | void): Promise<boolean> {
    const started = Date.now();
    console.log(`\n-- ${name}`);
    try {
      await fn();
      this.record({ name, ok: true, seconds: (Date.now() - started) / 1000 });
      return true;
    } catch (err) {
      this.record({ name, ok: false, seconds: (Date.now() - started) / 1000, error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /** Records `name` as failed without running it, because a check it needs failed. */
  notRun(name: string, because: string): void {
    console.log(`\n-- ${name}`);
    this.record({ name, ok: false, seconds: 0, error: `not run: ${because}` });
  }

  get passed(): number {
    return this.results.filter((r) => r.ok).length;
  }

  get failed(): number {
    return this.results.length - this.passed;
  }

  /** Prints every check with its outcome, then `N passed, N failed`. */
  printSummary(totalSeconds: number): void {
    console.log("\n== pack checks");
    for (const r of this.results)
      console.log(
        `${r.ok ? "PASS" : "FAIL"} ${r.name} (${r.seconds.toFixed(1)} s)${r.error ? `\n     ${r.error.replaceAll("\n", "\n     ")}` : ""}`,
      );
    console.log(`pack: ${this.passed} passed, ${this.failed} failed in ${totalSeconds.toFixed(0)} s`);
  }

  /** Writes `{passed, failed, seconds, checks}` as JSON for scripts/test.mjs. */
  writeResults(file: string, totalSeconds: number): void {
    writeFileSync(file, JSON.stringify({ passed: this.passed, failed: this.failed, seconds: totalSeconds, checks: this.results }, null, 2));
  }

  private record(result: CheckResult): void {
    this.results.push(result);
    console.log(`${result.ok ? "PASS" : "FAIL"} ${result.name} (${result.seconds.toFixed(1)} s)${result.error ? `: ${result.error}` : ""}`);
  }
}

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
