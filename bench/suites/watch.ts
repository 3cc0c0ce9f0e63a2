/**
 * Benchmark 6: watch streams (placeholder until realm-tabs' `collection.watch()` lands).
 * @packageDocumentation
 */
import type { BenchEnv } from "../lib/env.js";
import type { Section } from "../lib/report.js";

/** Benchmark 6. */
export async function watchBenchmark(env: BenchEnv): Promise<Section> {
  return { title: "Watch streams", workload: `N = ${env.sizes.watchTabs.join(", ")} tabs watching one collection.`, header: [], rows: [], notes: ["**Not measured:** realm-tabs has no `collection.watch()` yet."] };
}
