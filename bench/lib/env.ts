/**
 * What every benchmark gets from the runner, and the sizes of a full and a smoke run.
 * @packageDocumentation
 */
import type { Browser } from "playwright-core";
import type { BrowserDriver } from "../../playwright/drivers/driver.js";
import type { TestServer } from "../../src/testing/server.js";
import type { BenchPageName } from "../vite.config.js";

/** The sizes of one run. */
export interface Sizes {
  refreshTabs: number[];
  /** Access-token lifetimes each refresh run lasts. */
  refreshLifetimes: number;
  /** Access-token lifetime of the refresh benchmark's server, seconds. */
  refreshTtlSeconds: number;
  logoutTabs: number[];
  /** The logout benchmark's tab counts in Firefox (opening tabs over WebDriver BiDi is slower). */
  firefoxLogoutTabs: number[];
  logoutRepeats: number;
  callsSmall: number;
  callsLarge: number;
  concurrentTabs: number;
  attachRepeats: number;
  /** Interleaved repetitions (realm-tabs and realm-web alternating) of the calls and attach benchmarks. */
  repetitions: number;
  scaleLevels: number[];
  scaleCallsPerTab: number;
  watchTabs: number[];
  /** Calls in a row from one tab, timed inside the SharedWorker. */
  workerSoloCalls: number;
  /** Tabs calling at once, and the calls each makes in a row, timed inside the SharedWorker. */
  workerTabs: number;
  workerCallsPerTab: number;
  /** Calls, and login/logout cycles, between the SharedWorker heap readings. */
  heapCalls: number;
  heapCycles: number;
}

/** A full run: about 11 minutes on the 2-core machine. */
export const FULL: Sizes = {
  refreshTabs: [1, 10, 20],
  refreshLifetimes: 2,
  refreshTtlSeconds: 4,
  logoutTabs: [2, 10, 50],
  firefoxLogoutTabs: [2, 10, 20],
  logoutRepeats: 5,
  callsSmall: 50,
  callsLarge: 10,
  concurrentTabs: 10,
  attachRepeats: 10,
  repetitions: 5,
  scaleLevels: [1, 10, 25, 50],
  scaleCallsPerTab: 5,
  watchTabs: [1, 5, 10],
  workerSoloCalls: 200,
  workerTabs: 50,
  workerCallsPerTab: 10,
  heapCalls: 10_000,
  heapCycles: 1_000,
};

/** A smoke run (`--smoke`): every code path once, tiny sizes. */
export const SMOKE: Sizes = {
  refreshTabs: [2],
  refreshLifetimes: 1,
  refreshTtlSeconds: 3,
  logoutTabs: [2],
  firefoxLogoutTabs: [2],
  logoutRepeats: 1,
  callsSmall: 3,
  callsLarge: 1,
  concurrentTabs: 2,
  attachRepeats: 1,
  repetitions: 2,
  scaleLevels: [1, 3],
  scaleCallsPerTab: 1,
  watchTabs: [1],
  workerSoloCalls: 5,
  workerTabs: 3,
  workerCallsPerTab: 2,
  heapCalls: 60,
  heapCycles: 5,
};

/** The runner's environment of one benchmark. */
export interface BenchEnv {
  /** The runner's Chromium (the benchmarks that run in Chromium only use it directly). */
  browser: Browser;
  /** The browser the cross-browser benchmarks (refresh, logout) run in: Chromium, or Firefox in their Firefox variants. */
  driver: BrowserDriver;
  /** That browser's name and version for the report, e.g. "Firefox 153.8.0 ESR". */
  driverBrowser: string;
  sizes: Sizes;
  /** Base URL of the static server of the built pages. */
  pagesUrl: string;
  /** Server with the default (30 min) token lifetime. */
  server: TestServer;
  /** Server with the refresh benchmark's short token lifetime. */
  shortTtlServer: TestServer;
  /** The URL of a page against a server. */
  url(page: BenchPageName, server: TestServer): string;
  /** Progress line on stderr. */
  log(message: string): void;
}

/** Both libraries, in table order. */
export const LIBS: { page: "tabs" | "web"; name: string }[] = [
  { page: "tabs", name: "realm-tabs" },
  { page: "web", name: "realm-web 2.0.1" },
];

/** A benchmark's title, marked with the browser when it is not the runner's Chromium. */
export function titleFor(title: string, env: BenchEnv): string {
  return env.driver.browserName === "firefox" ? `${title} (Firefox)` : title;
}
