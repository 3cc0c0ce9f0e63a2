/**
 * The Chromium driver of the cross-browser scenarios keeps the contract of
 * {@link BrowserDriver.waitUntil}: a probe that throws (an evaluate that raced a navigation or a
 * closing page) counts as not yet, as in the Firefox driver's poll.
 */
import { expect, test } from "@playwright/test";
import { playwrightDriver } from "./drivers/playwright.js";
import type { BrowserDriver } from "./drivers/driver.js";

test("waitUntil polls on after a probe throws, and resolves with the first accepted value", async ({ browser }) => {
  const driver: BrowserDriver = playwrightDriver(browser);
  let probes = 0;
  const value = await driver.waitUntil(
    async () => {
      probes += 1;
      if (probes <= 2) throw new Error("page.evaluate: Execution context was destroyed, most likely because of a navigation");
      return probes;
    },
    (n) => n >= 4,
    { message: "the fourth probe", timeout: 10_000 },
  );
  expect(value).toBe(4);
  expect(probes).toBe(4);
});

test("waitUntil still fails at its deadline when the probe never stops throwing, naming the error", async ({ browser }) => {
  const driver: BrowserDriver = playwrightDriver(browser);
  const outcome = await driver
    .waitUntil(
      () => Promise.reject(new Error("the page closed")),
      () => true,
      { message: "a probe that always throws", timeout: 1_000 },
    )
    .then(
      () => "resolved",
      (error: unknown) => String(error),
    );
  expect(outcome).toContain("a probe that always throws");
  expect(outcome).toContain("the probe threw Error: the page closed");
});
