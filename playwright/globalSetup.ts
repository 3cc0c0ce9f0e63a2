/**
 * Playwright's global setup: builds the test pages once for the run (playwright/testPages.ts) and
 * names the build to every worker, which serves it instead of building its own; the returned
 * teardown removes it.
 * @packageDocumentation
 */
import { rmSync } from "node:fs";
import { TEST_PAGES_DIR_ENV, buildTestPages } from "./testPages.js";

/** Builds the pages; returns the teardown. */
export default async function globalSetup(): Promise<() => void> {
  const dir = await buildTestPages();
  process.env[TEST_PAGES_DIR_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
