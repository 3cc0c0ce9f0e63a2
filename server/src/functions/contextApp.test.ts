import * as Realm from "realm-web";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startAppServer, type AppServer } from "../../test/appServer.js";
import { startServer } from "../index.js";

// context.app over HTTP, with realm-web 2.0.1 as the client: from an exported app's own files, and
// from a server without an app.
let running: AppServer;
const before = Date.now();

beforeAll(async () => {
  running = await startAppServer({
    "root_config.json": { name: "shop", app_id: "shop-abcde", deployment_model: "GLOBAL", provider_region: "aws-us-east-1" },
    ".mdb/meta.json": { client_app_id: "shop-abcde", app_id: "60c8e59866b0c33d14ee634a", group_id: "5e1ec444970199272441a214" },
    "auth/providers.json": { "anon-user": { name: "anon-user", type: "anon-user" } },
    "functions/appInfo.js": "exports = () => context.app;",
  });
});

afterAll(async () => {
  await running.close();
});

test("context.app describes the exported app, as App Services documents it", async () => {
  const app = new Realm.App({ id: "shop-abcde", baseUrl: running.server.url });
  const user = await app.logIn(Realm.Credentials.anonymous());
  const info = (await user.functions.appInfo!()) as Record<string, unknown>;
  expect(info).toEqual({
    id: "60c8e59866b0c33d14ee634a",
    clientAppId: "shop-abcde",
    name: "shop",
    projectId: "5e1ec444970199272441a214",
    deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
    lastDeployed: expect.any(String) as unknown,
    hostingUri: "",
  });
  expect(Date.parse(info.lastDeployed as string)).toBeGreaterThanOrEqual(before - 1000);
});

test("without an app, context.app names the server's app id", async () => {
  const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(join(tmpdir(), "rt-fn-"));
  await writeFile(join(dir, "appInfo.js"), "exports = () => context.app;");
  const server = await startServer({ inMemory: true, appId: "plain-app", functionsDir: dir, onWarning: () => undefined });
  try {
    const user = await new Realm.App({ id: "plain-app", baseUrl: server.url }).logIn(Realm.Credentials.anonymous());
    expect(await user.functions.appInfo!()).toMatchObject({
      id: "plain-app",
      clientAppId: "plain-app",
      name: "plain-app",
      projectId: "",
      deployment: { model: "LOCAL", providerRegion: "" },
      hostingUri: "",
    });
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
