/** Types of scripts/test-failures.mjs (the failed tests of each suite's report, for scripts/test.mjs). */

/** One failed test or check: its name (file, title, project) and its error text. */
export interface Failure {
  name: string;
  error: string;
}

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string;
/** The first `max` non-empty lines of `text`, colour codes removed. */
export function firstLines(text: string | undefined, max: number): string[];
/** The failed tests of a Vitest JSON report, and the files that failed without a failed test. */
export function vitestFailures(json: unknown, root?: string): Failure[];
/** The unexpected outcomes of a Playwright JSON report, and its errors outside any test. */
export function playwrightFailures(json: unknown, root?: string): Failure[];
/** The failed checks of the pack suite's results file. */
export function packFailures(json: unknown): Failure[];
/** The lines of the failures block, in about `budget` lines. */
export function failureReport(failures: readonly (Failure & { suite: string })[], budget?: number): string[];
