import { symlinkSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ATLAS, ownerOnly, writeApp, type AppFileMap } from "../../test/appDir.js";
import { setUpServer } from "./setup.js";
import { loadApp } from "./loader.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function app(files: AppFileMap): Promise<string> {
  const dir = await writeApp(files);
  dirs.push(dir);
  return dir;
}

/** `auth/custom_user_data.json`, enabled, with a user creation function. */
function customUserData(creationFunction: string): Record<string, unknown> {
  return {
    enabled: true,
    mongo_service_name: "mongodb-atlas",
    database_name: "d",
    collection_name: "c",
    user_id_field: "uid",
    on_user_creation_function_name: creationFunction,
  };
}

describe("the app id", () => {
  test("--app-id, else .mdb/meta.json client_app_id, else app_id, else name", async () => {
    const all = await app({ "root_config.json": { name: "n", app_id: "root-id" }, ".mdb/meta.json": { client_app_id: "meta-id" } });
    expect(loadApp(all, { appId: "flag-id" }).appId).toBe("flag-id");
    expect(loadApp(all).appId).toBe("meta-id");
    expect(loadApp(await app({ "root_config.json": { name: "n", app_id: "root-id" } })).appId).toBe("root-id");
    expect(loadApp(await app({ "root_config.json": { name: "just-a-name" } })).appId).toBe("just-a-name");
  });

  test("a folder without a root config, or with an invalid one, is refused naming the file", async () => {
    const notJson = await app({ "root_config.json": "{ not json" });
    expect(() => loadApp(notJson)).toThrow(/invalid app: root_config\.json: not JSON/);
    const badName = await app({ "root_config.json": { name: 5 } });
    expect(() => loadApp(badName)).toThrow(/root_config\.json: name/);
    const empty = await app({});
    await rm(`${empty}/root_config.json`);
    expect(() => loadApp(empty)).toThrow(/root_config\.json: missing/);
  });
});

describe("auth providers and custom user data", () => {
  test("map onto the server's providers; disabled ones stay off", async () => {
    const dir = await app({
      "auth/providers.json": {
        "anon-user": { name: "anon-user", type: "anon-user", disabled: true },
        "api-key": { name: "api-key", type: "api-key" },
        "local-userpass": {
          type: "local-userpass",
          config: {
            autoConfirm: false,
            runConfirmationFunction: true,
            confirmationFunctionName: "confirm",
            runResetFunction: true,
            resetFunctionName: "reset",
          },
        },
        "custom-function": { type: "custom-function", config: { authFunctionName: "auth" } },
        "custom-token": {
          type: "custom-token",
          config: { signingAlgorithm: "HS256", audience: "aud" },
          secret_config: { signingKeys: ["jwtKey"] },
          metadata_fields: [{ name: "user.name", field_name: "name", required: true }],
        },
      },
    });
    const loaded = loadApp(dir, { secrets: { jwtKey: "a-shared-secret-of-at-least-32-bytes!!" } });
    expect(loaded.authProviders).toEqual({
      "api-key": { enabled: true },
      "local-userpass": { enabled: true, autoConfirm: false, confirmationFunctionName: "confirm", resetFunctionName: "reset" },
      "custom-function": { functionName: "auth" },
      "custom-token": {
        algorithm: "HS256",
        secret: ["a-shared-secret-of-at-least-32-bytes!!"],
        audience: "aud",
        metadataFields: [{ name: "user.name", fieldName: "name", required: true }],
      },
    });
    expect(loaded.unsupported).toEqual([]);
  });

  test("providers and settings it cannot honour are listed", async () => {
    const dir = await app({
      "auth/providers.json": {
        "oauth2-google": { type: "oauth2-google", config: {} },
        "custom-token": { type: "custom-token", config: { signingAlgorithm: "HS256" }, secret_config: { signingKeys: ["missing"] } },
        "local-userpass": { type: "local-userpass", config: { autoConfirm: false } },
      },
      "auth/custom_user_data.json": customUserData("onCreate"),
      "functions/onCreate.js": "exports = () => {};",
    });
    const loaded = loadApp(dir);
    expect(loaded.authProviders).toEqual({ "oauth2-google": {}, "local-userpass": { enabled: true, autoConfirm: false } });
    expect(loaded.customUserData).toEqual({
      serviceName: "mongodb-atlas",
      databaseName: "d",
      collectionName: "c",
      userIdField: "uid",
      onUserCreationFunction: "onCreate",
    });
    expect(loaded.unsupported).toEqual([
      "auth/providers.json: oauth2-google cannot reach google: its redirect logins work only with devOAuth (the development stand-in); authorization code logins are refused",
      "auth/providers.json: custom-token signing key secret(s) missing not provided (--secrets FILE): custom JWT logins are refused",
      "auth/providers.json: local-userpass confirmation emails are not sent; read confirmation tokens through the admin API",
      "auth/providers.json: local-userpass password reset emails are not sent; read reset tokens through the admin API",
    ]);
  });

  test("custom-token: up to three signing keys, or the JWK URI", async () => {
    const keys = { k1: "first-secret-of-at-least-32-bytes!!!!", k2: "second-secret-of-at-least-32-bytes!!!" };
    const several = await app({
      "auth/providers.json": {
        "custom-token": { type: "custom-token", config: {}, secret_config: { signingKeys: ["k1", "gone", "k2"] } },
      },
    });
    const loaded = loadApp(several, { secrets: keys });
    expect(loaded.authProviders["custom-token"]).toEqual({ algorithm: "HS256", secret: [keys.k1, keys.k2], metadataFields: [] });
    expect(loaded.unsupported).toEqual([
      "auth/providers.json: custom-token signing key secret(s) gone not provided (--secrets FILE): tokens signed with them are refused",
    ]);
    const jwk = await app({
      "auth/providers.json": {
        "custom-token": {
          type: "custom-token",
          config: { useJWKURI: true, jwkURI: "https://example.com/.well-known/jwks.json", audience: ["", "my-project"] },
          secret_config: { signingKeys: ["unused"] },
        },
        "oauth2-google": { type: "oauth2-google", config: { clientId: "" } },
      },
    });
    const loaded2 = loadApp(jwk);
    expect(loaded2.authProviders["custom-token"]).toEqual({
      algorithm: "RS256",
      jwkUri: "https://example.com/.well-known/jwks.json",
      audience: ["my-project"],
      metadataFields: [],
    });
    // an empty client id is none: no ID token logins
    expect(loaded2.authProviders["oauth2-google"]).toEqual({});
    expect(loaded2.unsupported).toContain("auth/providers.json: custom-token uses its JWK URI; its signing keys (unused) are not used");
    const badUri = await app({
      "auth/providers.json": { "custom-token": { type: "custom-token", config: { useJWKURI: true, jwkURI: "file:///etc/keys" } } },
    });
    expect(() => loadApp(badUri)).toThrow(/custom-token jwkURI must be an http\(s\) URL/);
  });

  test("a user creation function that functions/ does not define is refused, naming the file", async () => {
    const dir = await app({
      "auth/custom_user_data.json": customUserData("missing"),
    });
    expect(() => loadApp(dir)).toThrow(
      "invalid app: auth/custom_user_data.json: the user creation function missing is not defined in functions/",
    );
  });
});

describe("functions", () => {
  test("config.json and sources, nested names as folders, the older NAME/source.js layout, defaults for unlisted sources", async () => {
    const dir = await app({
      "functions/config.json": [
        { name: "utils/add", run_as_system: true },
        { name: "secret", private: true, can_evaluate: { "%%user.data.email": "a@b.c" } },
      ],
      "functions/utils/add.js": "exports = (a, b) => a + b;",
      "functions/secret.js": "exports = () => 1;",
      "functions/plain.js": "exports = () => 2;",
      "functions/old/source.js": "exports = () => 3;",
      "functions/old/config.json": { name: "old", run_as_system: true },
      "functions/node_modules/dep/index.js": "module.exports = 1;",
    });
    const { specs, clientRules } = loadApp(dir).functions;
    expect(specs.map((s) => [s.name, s.runAsSystem])).toEqual([
      ["old", true],
      ["plain", false],
      ["secret", false],
      ["utils/add", true],
    ]);
    expect(clientRules.get("secret")).toMatchObject({ private: true });
    expect(clientRules.get("secret")?.canEvaluate).toBeDefined();
    expect(clientRules.get("plain")).toEqual({ private: false, canEvaluate: undefined });
  });

  test("a manifest entry without a source and an invalid can_evaluate are refused naming the file", async () => {
    const ghost = await app({ "functions/config.json": [{ name: "ghost" }] });
    expect(() => loadApp(ghost)).toThrow(/functions\/config\.json: function ghost has no source/);
    const bad = await app({
      "functions/config.json": [{ name: "f", can_evaluate: { "%%root.x": 1 } }],
      "functions/f.js": "exports = () => 1;",
    });
    expect(() => loadApp(bad)).toThrow(/functions\/config\.json.*can_evaluate.*refers to a document/);
  });

  test("run_as_user_id and its script are read (run_as_system wins); both at once are refused; missing dependencies are listed", async () => {
    const dir = await app({
      "functions/config.json": [
        { name: "as", run_as_user_id: "abc" },
        { name: "script", run_as_user_id_script_source: "exports = () => 'abc';" },
        { name: "system", run_as_system: true, run_as_user_id: "abc", run_as_user_id_script_source: "exports = () => 'abc';" },
      ],
      "functions/as.js": "exports = () => 1;",
      "functions/script.js": "exports = () => 1;",
      "functions/system.js": "exports = () => 1;",
      "functions/package.json": { dependencies: { "left-pad": "^1.3.0", "@scope/pkg": "1.0.0" } },
    });
    const loaded = loadApp(dir);
    expect(loaded.functions.specs.map((s) => [s.name, s.runAsUserId, s.runAsUserScript, s.error])).toEqual([
      ["as", "abc", undefined, undefined],
      ["script", undefined, "exports = () => 'abc';", undefined],
      ["system", undefined, undefined, undefined],
    ]);
    expect(loaded.unsupported).toEqual([
      "functions/package.json: @scope/pkg, left-pad are not installed in functions/node_modules (run npm install in functions/): require() of them fails",
    ]);
    const both = await app({
      "functions/config.json": [{ name: "both", run_as_user_id: "abc", run_as_user_id_script_source: "exports = () => 'abc';" }],
      "functions/both.js": "exports = () => 1;",
    });
    expect(() => loadApp(both)).toThrow("function both sets both run_as_user_id and run_as_user_id_script_source");
  });

  test("a source that requires an npm package or an unsupported built-in is listed; Node's supported built-ins are not", async () => {
    const dir = await app({
      "functions/deps.js": `const axios = require("axios"); const cp = require('node:child_process'); const again = require("axios");
        const crypto = require("crypto"); const path = require("node:path"); exports = () => 1;`,
      "functions/plain.js": "const { createHash } = require('crypto'); exports = () => createHash('sha1');",
    });
    expect(loadApp(dir).unsupported).toEqual([
      "functions/deps.js: requires 'axios', 'node:child_process', which functions cannot load here: those calls fail",
    ]);
  });

  test("run_as_user_id and its script written as empty strings (as the docs write them) leave the function running as its caller", async () => {
    const dir = await app({
      "functions/config.json": [{ name: "plain", run_as_user_id: "", run_as_user_id_script_source: "" }],
      "functions/plain.js": "exports = () => 1;",
    });
    const loaded = loadApp(dir);
    expect(loaded.functions.specs[0]).toMatchObject({ name: "plain", runAsSystem: false });
    expect(loaded.functions.specs[0]?.error).toBeUndefined();
    expect(loaded.unsupported).toEqual([]);
  });
});

describe("data sources, values and environments", () => {
  test("rules and schemas per collection, default rules; other data source types are listed", async () => {
    const dir = await app({
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/default_rule.json": { roles: [] },
      "data_sources/mongodb-atlas/shop/orders/rules.json": ownerOnly("shop", "orders"),
      "data_sources/mongodb-atlas/shop/orders/schema.json": { bsonType: "object", validate: { "%%true": true } },
      "data_sources/lake/config.json": { name: "lake", type: "datalake", config: {} },
    });
    const loaded = loadApp(dir);
    expect(loaded.serviceNames).toEqual(["mongodb-atlas"]);
    expect(loaded.rules).toEqual([
      {
        name: "mongodb-atlas",
        defaultRule: { where: "data_sources/mongodb-atlas/default_rule.json", raw: { roles: [] } },
        collections: [
          {
            where: "data_sources/mongodb-atlas/shop/orders/rules.json",
            raw: ownerOnly("shop", "orders"),
            database: "shop",
            collection: "orders",
          },
        ],
        schemas: [
          {
            where: "data_sources/mongodb-atlas/shop/orders/schema.json",
            raw: { bsonType: "object", validate: { "%%true": true } },
            database: "shop",
            collection: "orders",
          },
        ],
      },
    ]);
    expect(loaded.unsupported).toEqual([
      "data_sources/lake/config.json: data source lake of type datalake is not supported: its service is not available",
    ]);
  });

  test("values, secret-backed values, the selected environment and %() templates", async () => {
    const files: AppFileMap = {
      "root_config.json": { name: "n", environment: "production" },
      "values/plain.json": { name: "plain", value: { a: 1 }, from_secret: false },
      "values/fromSecret.json": { name: "fromSecret", value: "apiSecret", from_secret: true },
      "values/missing.json": { name: "missing", value: "nope", from_secret: true },
      "environments/production.json": { values: { cluster: "prod-db" } },
      "environments/development.json": { values: { cluster: "dev-db" } },
      "data_sources/atlas/config.json": { name: "%(%%environment.values.cluster)", type: "mongodb-atlas", config: {} },
    };
    const loaded = loadApp(await app(files), { secrets: { apiSecret: "s3cr3t" } });
    expect(loaded.environment).toEqual({ tag: "production", values: { cluster: "prod-db" } });
    expect(loaded.values).toEqual({ plain: { a: 1 }, fromSecret: "s3cr3t" });
    expect(loaded.serviceNames).toEqual(["prod-db"]);
    expect(loaded.unsupported).toEqual([
      "values/missing.json: value missing comes from the secret nope, which was not provided (--secrets FILE): it is undefined",
    ]);
    const dev = loadApp(await app(files), { environment: "development" });
    expect(dev.environment.tag).toBe("development");
    expect(dev.serviceNames).toEqual(["dev-db"]);
  });
});

describe("what the server does not run", () => {
  test("several data sources, none named mongodb-atlas, load without a warning (the data directory records its primary one); $ in a name is refused", async () => {
    const two = await app({
      "data_sources/cluster0/config.json": { name: "cluster0", type: "mongodb-atlas", config: {} },
      "data_sources/analytics/config.json": { name: "analytics", type: "mongodb-atlas", config: {} },
    });
    expect(loadApp(two).unsupported).toEqual([]);
    const bad = await app({ "data_sources/x/config.json": { name: "a$b", type: "mongodb-atlas", config: {} } });
    expect(() => loadApp(bad)).toThrow(/may not contain \$/);
  });

  test("sync, EventBridge triggers, log forwarders and services are listed one line each (hosting and GraphQL are served)", async () => {
    const dir = await app({
      "sync/config.json": { type: "flexible", state: "enabled", development_mode_enabled: false },
      "triggers/toBus.json": {
        name: "toBus",
        type: "DATABASE",
        config: { database: "d", collection: "c", operation_types: ["INSERT"] },
        event_processors: { AWS_EVENTBRIDGE: { config: { account_id: "1", region: "us-east-1" } } },
      },
      "graphql/config.json": { use_natural_pluralization: true },
      "hosting/config.json": { enabled: true },
      "hosting/files/index.html": "<p>hosted</p>",
      "log_forwarders/toS3.json": { name: "toS3" },
      "services/twilio/config.json": { name: "twilio" },
    });
    expect(loadApp(dir).unsupported).toEqual([
      "triggers/toBus.json: trigger toBus sends its events to AWS EventBridge, which this server cannot reach: it is not run",
      "sync/config.json: Device Sync (flexible) is not supported: synced realms cannot connect",
      "log_forwarders/toS3.json: log forwarder toS3 is not run",
      "services/twilio: third-party service twilio is not available",
    ]);
    expect(loadApp(await app({ "sync/config.json": { development_mode_enabled: false } })).unsupported).toEqual([]);
  });

  test("a default error path that links out of hosting/files stops the start", async () => {
    const dir = await app({
      "hosting/config.json": { enabled: true, default_error_path: "/err.html" },
      "outside.html": "x",
      "hosting/files/a.html": "a",
    });
    symlinkSync(join(dir, "outside.html"), join(dir, "hosting/files/err.html"));
    expect(() => loadApp(dir)).toThrow(/default_error_path \/err.html is not a file of hosting\/files/);
  });

  test("hosting enabled without a hosting/files folder is listed (every hosted path would answer 404)", async () => {
    expect(loadApp(await app({ "hosting/config.json": { enabled: true } })).unsupported).toEqual([
      "hosting/files: missing, so every hosted path answers 404 (hosting/config.json enables hosting)",
    ]);
    expect(loadApp(await app({ "hosting/config.json": { enabled: false } })).unsupported).toEqual([]);
  });
});

describe("setting up a server", () => {
  test("an app defines providers, custom data, services, values and allowed origins; the config file only server settings", async () => {
    const dir = await app({
      "root_config.json": { name: "shop", allowed_request_origins: ["https://shop.example"] },
      "auth/providers.json": { "anon-user": { type: "anon-user" } },
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "values/v.json": { name: "v", value: 1 },
    });
    const setup = setUpServer({ appDir: dir, config: { functionTimeoutMs: 1234 } });
    expect(setup.config).toMatchObject({
      appId: "shop",
      functionTimeoutMs: 1234,
      mongoServiceNames: ["mongodb-atlas"],
      values: { v: 1 },
      allowedOrigins: ["https://shop.example"],
    });
    expect(setup.config.providers).toMatchObject({ anon: true, apiKey: false, localUserpass: undefined });
    expect(setup.access.mode).toBe("rules");
    expect(() => setUpServer({ appDir: dir, config: { values: { x: 1 } } })).toThrow(/cannot set values together with an app directory/);
    expect(() => setUpServer({ appDir: dir, functionsDir: "x" })).toThrow(/cannot be combined with an app directory/);
    expect(() => setUpServer({ appDir: dir, allowAllData: true })).toThrow(/cannot be combined with an app directory/);
    expect(() => setUpServer({ environment: "qa" })).toThrow(/need an app directory/);
  });

  test("invalid rules are refused at start, naming the file", async () => {
    const dir = await app({
      "data_sources/mongodb-atlas/config.json": ATLAS,
      "data_sources/mongodb-atlas/shop/orders/rules.json": { roles: [{ name: "r", apply_when: { "%%usr.id": 1 } }] },
    });
    expect(() => setUpServer({ appDir: dir })).toThrow(
      /invalid app: data_sources\/mongodb-atlas\/shop\/orders\/rules\.json, role "r", apply_when: unknown expansion %%usr\.id/,
    );
  });

  test("without an app: no data for users, or all of it with allowAllData and a warning", () => {
    expect(setUpServer({}).access.mode).toBe("deny");
    expect(setUpServer({}).warnings).toEqual([]);
    const open = setUpServer({ allowAllData: true });
    expect(open.access.mode).toBe("open");
    expect(open.warnings).toEqual([expect.stringMatching(/^allowAllData: every logged-in user/)]);
  });
});
