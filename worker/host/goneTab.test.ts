import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningServer } from "../../server/src/index.js";
import { anonymous, openTab, startTestServer, testHost } from "../../test/worker-kit.js";

const APP = "gone-tab-test";
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer(APP);
});
afterAll(async () => {
  await server.close();
});

it("a tab that goes away ends its function calls' requests; another tab's call goes on", async () => {
  // function calls are held until their request is aborted or released; every other request passes
  const held: { aborted: boolean; release: () => void }[] = [];
  const holdCalls: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (!url.endsWith("/functions/call")) return fetch(input, init);
    return new Promise((resolve, reject) => {
      const call = { aborted: false, release: () => resolve(fetch(input, init)) };
      held.push(call);
      init?.signal?.addEventListener("abort", () => {
        call.aborted = true;
        reject(init.signal?.reason);
      });
    });
  };
  const host = testHost(`gone-tab-${Date.now()}`, { fetch: holdCalls });
  const leaving = openTab(host, server, APP);
  const staying = openTab(host, server, APP);
  const { appKey } = await leaving.connect();
  await staying.connect();
  const { userId } = await staying.api.logIn(appKey, anonymous());
  const sum = '[{"$numberInt":"1"},{"$numberInt":"2"}]';
  const lost = leaving.api.callFunction(appKey, userId!, "sum", sum).catch(() => "ended");
  await expect.poll(() => held.length).toBe(1);
  const kept = staying.api.callFunction(appKey, userId!, "sum", sum);
  await expect.poll(() => held.length).toBe(2);

  host.liveness.end(leaving.tabId);
  await expect.poll(() => held[0]?.aborted).toBe(true);
  expect(held[1]?.aborted).toBe(false);
  held[1]?.release();
  expect(await kept).toBe('{"$numberInt":"3"}');
  expect(await lost).toBe("ended");
  leaving.close();
  staying.close();
  host.close();
});
