/**
 * Every cross-browser scenario, in run order. Chromium runs them in playwright/cross-tab.spec.ts
 * (Playwright), Firefox in playwright/firefox/ (puppeteer-core over WebDriver BiDi).
 * @packageDocumentation
 */
import { workerFailsToLoad } from "./failure.js";
import { leaderFallback } from "./fallback.js";
import { backAfterLogout } from "./history.js";
import { closedTabFreed } from "./liveness.js";
import { loginWhileJoining } from "./joining.js";
import { realmWebImport, realmWebImportThenLogin } from "./migration.js";
import { oneRefreshPerExpiry } from "./refresh.js";
import { restoreAfterAllClosed } from "./restore.js";
import type { Scenario } from "./scenario.js";
import { sealedAtRest } from "./sealing.js";
import { concurrentLogins, functionsEverywhere, loginEverywhere, logoutWithListeners, switchUserEverywhere } from "./session.js";
import { sharedWatchStream } from "./watch.js";

export type { Scenario, ScenarioEnv } from "./scenario.js";

/** The scenarios every tested browser runs. */
export const SCENARIOS: readonly Scenario[] = [
  loginEverywhere,
  functionsEverywhere,
  logoutWithListeners,
  oneRefreshPerExpiry,
  restoreAfterAllClosed,
  switchUserEverywhere,
  concurrentLogins,
  loginWhileJoining,
  sharedWatchStream,
  closedTabFreed,
  realmWebImport,
  realmWebImportThenLogin,
  backAfterLogout,
  sealedAtRest,
  leaderFallback,
  workerFailsToLoad,
];
