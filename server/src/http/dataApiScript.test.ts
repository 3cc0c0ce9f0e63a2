import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { TestClient } from "../../test/testClient.js";

// The Data API with Script authentication (run_as_user_id_script_source): the script chooses the
// user each request runs as, here from a request header; no credentials are needed.
const base = {
  "root_config.json": { name: "data-api-script", app_id: "data-api-script" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "data_sources/mongodb-atlas/shop/orders/rules.json": ownerOnly("shop", "orders"),
  "auth/providers.json": { "anon-user": { type: "anon-user" } },
};
const dataApi = (script: string): Record<string, unknown> => ({
  disabled: false,
  versions: ["v1"],
  return_type: "JSON",
  create_user_on_auth: false,
  run_as_system: false,
  run_as_user_id: "",
  run_as_user_id_script_source: script,
});

async function act(app: AppServer, action: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.server.url}/app/data-api-script/endpoint/data/v1/action/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ dataSource: "mongodb-atlas", database: "shop", collection: "orders", ...body }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the Data API's Script authentication", () => {
  let app: AppServer;
  const ids: string[] = [];
  beforeAll(async () => {
    app = await startAppServer({
      ...base,
      "https_endpoints/data_api_config.json": dataApi(`exports = function () { return context.request.requestHeaders["X-Run-As"][0]; };`),
    });
    const c = new TestClient(app.server.url, "data-api-script");
    for (let i = 0; i < 2; i++) ids.push((await c.logIn("anon-user")).user_id);
  });
  afterAll(() => app.close());

  test("each request runs as the user the script chooses, under that user's rules, without credentials", async () => {
    const [alice = "", bob = ""] = ids;
    expect(await act(app, "insertOne", { document: { owner_id: alice, item: "tea" } }, { "x-run-as": alice })).toMatchObject({
      status: 200,
    });
    const denied = await act(app, "insertOne", { document: { owner_id: alice, item: "stolen" } }, { "x-run-as": bob });
    expect(denied.status).toBeGreaterThanOrEqual(400);
    expect((await act(app, "find", { filter: {} }, { "x-run-as": alice })).body).toMatchObject({ documents: [{ item: "tea" }] });
    expect((await act(app, "find", { filter: {} }, { "x-run-as": bob })).body).toEqual({ documents: [] });
  });

  test("a script that chooses no known user fails the request; the script's function is no client function", async () => {
    const unknown = await act(app, "find", { filter: {} }, { "x-run-as": "000000000000000000000000" });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.status).toBeLessThan(500);
    const c = new TestClient(app.server.url, "data-api-script");
    const user = await c.logIn("anon-user");
    const call = await c.request("POST", "/app/data-api-script/functions/call", {
      token: user.access_token,
      body: { name: "realm-tabs:data-api-run-as", arguments: [] },
    });
    expect(call.status).toBe(404);
  });
});

describe("a script that chooses the system", () => {
  test("runs the request as the system user: no rules apply", async () => {
    const app = await startAppServer({
      ...base,
      "https_endpoints/data_api_config.json": dataApi(`exports = function () { return { runAsSystem: true }; };`),
    });
    try {
      expect((await act(app, "insertOne", { document: { owner_id: "anyone", item: "x" } })).status).toBe(200);
      expect((await act(app, "find", { filter: {} })).body).toMatchObject({ documents: [{ item: "x" }] });
    } finally {
      await app.close();
    }
  });
});
