/**
 * Vite build of the two benchmark pages (bench/pages/tabs and bench/pages/web), each on its own,
 * so the bundle-size benchmark compares whole apps: `benchViteConfig("tabs")` builds the realm-tabs
 * page into bench/dist/tabs/ with base `/tabs/`.
 * @packageDocumentation
 */
import { fileURLToPath } from "node:url";
import type { InlineConfig } from "vite";

/** The benchmark pages (`probe`: the realm-tabs page over a SharedWorker that times calls inside it; `floor`: a bare SharedWorker, no library; neither in the bundle sizes). */
export type BenchPageName = "tabs" | "web" | "probe" | "floor";

/** Where the benchmark sources live (this folder). */
export const benchRoot = fileURLToPath(new URL("./", import.meta.url));

/** The build config of one benchmark page. */
export function benchViteConfig(page: BenchPageName): InlineConfig {
  return {
    configFile: false,
    root: `${benchRoot}pages/${page}`,
    base: `/${page}/`,
    logLevel: "warn",
    appType: "mpa",
    worker: { format: "es" },
    build: {
      outDir: `${benchRoot}dist/${page}`,
      emptyOutDir: true,
      reportCompressedSize: false,
    },
  };
}

export default benchViteConfig("tabs");
