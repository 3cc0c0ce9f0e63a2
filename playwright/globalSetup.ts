/**
 * Playwright's global setup: builds the test pages once for the run (playwright/testPages.ts) and
 * names the build to every worker, which serves it instead of building its own; the returned
 * teardown removes it. The build has a deadline of its own: a setup that never ends would hold the
 * whole run until CI's limit.
 * @packageDocumentation
 */
import { rmSync } from "node:fs";
import { withDeadline } from "../src/protocol/deadline.js";
import { TEST_PAGES_DIR_ENV, buildTestPages } from "./testPages.js";

/** How long the build may take (about 10 s on the 2-core machine). */
const BUILD_DEADLINE_MS = 180_000;

/** Builds the pages; returns the teardown. */
export default async function globalSetup(): Promise<() => void> {
  let late = false;
  const build = buildTestPages().then((dir) => {
    // a build that ends after the deadline removes what it made: no teardown will
    if (late) rmSync(dir, { recursive: true, force: true });
    return dir;
  });
  try {
    const dir = await withDeadline(build, BUILD_DEADLINE_MS, "building the test pages");
    process.env[TEST_PAGES_DIR_ENV] = dir;
    return () => rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    late = true;
    build.catch(() => undefined);
    throw error;
  }
}
