/**
 * The cross-browser scenarios (playwright/scenarios/) in Chromium: several tabs of one browser
 * context share one session, against the real local server and the real SharedWorker (project
 * `shared-worker`) or a leader tab (project `no-shared-worker`). The same scenarios run in Firefox
 * from playwright/firefox/; they are written once against the driver of playwright/drivers/.
 */
import { test } from "./fixtures.js";
import { playwrightDriver, wrapContext } from "./drivers/playwright.js";
import { SCENARIOS } from "./scenarios/index.js";
import { runScenario } from "./scenarios/scenario.js";

for (const scenario of SCENARIOS) {
  test(scenario.title, async ({ browser, context, stack }) => {
    test.setTimeout(scenario.timeout);
    const driver = playwrightDriver(browser);
    try {
      await runScenario(scenario, {
        driver,
        context: wrapContext(context),
        server: stack.server,
        pagesUrl: stack.pages.url,
        url: stack.url,
        note: (description) => test.info().annotations.push({ type: "measured", description }),
      });
    } finally {
      await driver.close();
    }
  });
}
