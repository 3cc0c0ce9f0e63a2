/**
 * Issue 5: a scripted session in two tabs, then one picture of both tabs side by side, saved as
 * playwright/artifacts/demo-two-tabs.png (docs/demo.png is a copy of one such picture).
 */
import { fileURLToPath } from "node:url";
import { expectTabsAgree } from "../src/testing/index.js";
import { expect, openDemoTabs, test } from "./demo-fixtures.js";

const artifact = fileURLToPath(new URL("./artifacts/demo-two-tabs.png", import.meta.url));

test("a scripted session in two tabs, pictured side by side", async ({ context, demo }) => {
  const [a, b] = await openDemoTabs(context, demo.url, 2);
  for (const tab of [a!, b!]) await tab.setViewportSize({ width: 820, height: 900 });
  await a!.getByTestId("signin-anon").click();
  await expectTabsAgree([a!, b!], (v) => v.currentUserId !== null);
  await b!.getByTestId("fn-preset-echo").click();
  await b!.getByTestId("fn-call").click();
  await expect(b!.getByTestId("fn-result")).toContainText("Decimal128");
  await a!.getByTestId("fn-call").click();
  await expect(a!.getByTestId("fn-result")).toHaveText("6");
  for (const [i, text] of ["Open a second tab", "Sign in once", "Watch it everywhere"].entries()) {
    await a!.getByTestId("todo-text").fill(text);
    await a!.getByTestId("todo-add").click();
    await expect(a!.getByTestId("todo")).toHaveCount(i + 1);
  }
  await expect(b!.getByTestId("todo")).toHaveCount(3);
  await b!.getByTestId("todo").first().getByTestId("todo-toggle").check();
  await expect(a!.getByTestId("todo").first()).toHaveClass(/done/);
  for (const tab of [a!, b!]) await expect(tab.getByTestId("status-tabs")).toHaveText("2");

  const shots = await Promise.all([a!, b!].map(async (tab) => (await tab.screenshot({ fullPage: true })).toString("base64")));
  const board = await context.newPage();
  await board.setViewportSize({ width: 1700, height: 900 });
  await board.setContent(`<body style="margin:0;padding:16px;background:#cfd5de;font:600 14px system-ui;display:flex;gap:16px;align-items:flex-start">
    ${shots
      .map(
        (png, i) => `<figure style="margin:0"><figcaption style="margin:0 0 6px">Tab ${"AB"[i]}</figcaption>
      <img style="width:820px;border:1px solid #98a2b3;border-radius:6px;display:block" src="data:image/png;base64,${png}"></figure>`,
      )
      .join("")}
  </body>`);
  await expect(board.locator("img")).toHaveCount(2);
  await board.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
  await board.screenshot({ path: artifact, fullPage: true });
});
