import { rm } from "node:fs/promises";
import { afterEach, describe, expect, test } from "vitest";
import { writeApp, type AppFileMap } from "../../test/appDir.js";
import { loadApp } from "./loader.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function load(files: AppFileMap, secrets: Record<string, string> = {}): Promise<ReturnType<typeof loadApp>> {
  const dir = await writeApp({
    "functions/config.json": [{ name: "sys", run_as_system: true, private: true }],
    "functions/handle.js": "exports = () => 1;",
    "functions/sys.js": "exports = () => 2;",
    ...files,
  });
  dirs.push(dir);
  return loadApp(dir, { secrets });
}

describe("https_endpoints/config.json", () => {
  test("an endpoint as App Services exports it, and the defaults of the fields an entry leaves out", async () => {
    const app = await load(
      {
        "https_endpoints/config.json": [
          {
            route: "/hook",
            http_method: "POST",
            function_name: "handle",
            validation_method: "VERIFY_PAYLOAD",
            secret_name: "hookSecret",
            respond_result: true,
            fetch_custom_user_data: true,
            create_user_on_auth: false,
            return_type: "EJSON",
            disabled: false,
          },
          { route: "/any/nested", http_method: "*", function_name: "sys" },
        ],
      },
      { hookSecret: "s3cret" },
    );
    expect(app.endpoints).toEqual([
      {
        route: "/hook",
        method: "POST",
        functionName: "handle",
        noCredentials: false,
        validation: { kind: "VERIFY_PAYLOAD", secretName: "hookSecret", secret: "s3cret" },
        respondResult: true,
        fetchCustomUserData: true,
        createUserOnAuth: false,
        returnType: "EJSON",
        canEvaluate: undefined,
      },
      {
        route: "/any/nested",
        method: "*",
        functionName: "sys",
        noCredentials: true,
        validation: { kind: "NO_VALIDATION" },
        respondResult: false,
        fetchCustomUserData: false,
        createUserOnAuth: false,
        returnType: "JSON",
        canEvaluate: undefined,
      },
    ]);
    expect(app.unsupported).toEqual([]);
  });

  test("the older http_endpoints/ folder; a disabled endpoint and a secret that was not provided are listed", async () => {
    const app = await load({
      "http_endpoints/config.json": [
        { route: "/off", http_method: "GET", function_name: "handle", disabled: true },
        {
          route: "/locked",
          http_method: "GET",
          function_name: "handle",
          validation_method: "SECRET_AS_QUERY_PARAM",
          secret_name: "missing",
        },
      ],
    });
    expect(app.endpoints.map((e) => e.route)).toEqual(["/locked"]);
    expect(app.endpoints[0]?.validation).toEqual({ kind: "SECRET_AS_QUERY_PARAM", secretName: "missing", secret: undefined });
    expect(app.unsupported).toEqual([
      "http_endpoints/config.json: HTTPS endpoint GET /off is disabled: not served",
      "http_endpoints/config.json: HTTPS endpoint GET /locked validates with the secret missing, which was not provided (--secrets FILE): its requests are refused",
    ]);
  });

  test.each([
    ["an unknown function", { route: "/a", http_method: "GET", function_name: "nope" }, "function nope is not defined"],
    ["an unknown method", { route: "/a", http_method: "TRACE", function_name: "handle" }, 'http_method "TRACE"'],
    ["a route without its slash", { route: "a", http_method: "GET", function_name: "handle" }, "a route begins with /"],
    ["a route with a query", { route: "/a?b=1", http_method: "GET", function_name: "handle" }, "a route begins with /"],
    [
      "an unknown validation",
      { route: "/a", http_method: "GET", function_name: "handle", validation_method: "MAGIC" },
      'validation_method "MAGIC"',
    ],
    [
      "a validation without its secret",
      { route: "/a", http_method: "GET", function_name: "handle", validation_method: "VERIFY_PAYLOAD" },
      "needs a secret_name",
    ],
    ["an unknown return type", { route: "/a", http_method: "GET", function_name: "handle", return_type: "XML" }, 'return_type "XML"'],
    [
      "a can_evaluate with an unknown expansion",
      { route: "/a", http_method: "GET", function_name: "handle", can_evaluate: { "%%nope": 1 } },
      "can_evaluate",
    ],
  ])("refuses %s, naming the file", async (_label, entry, message) => {
    await expect(load({ "https_endpoints/config.json": [entry] })).rejects.toMatchObject({
      errorCode: "InvalidConfig",
      message: expect.stringMatching(new RegExp(`https_endpoints/config\\.json.*${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`)),
    });
  });

  test("a route's percent-escapes are decoded, as request paths are; a bad one is refused", async () => {
    const app = await load({ "https_endpoints/config.json": [{ route: "/a%20b", http_method: "GET", function_name: "handle" }] });
    expect(app.endpoints[0]?.route).toBe("/a b");
    await expect(
      load({ "https_endpoints/config.json": [{ route: "/a%zz", http_method: "GET", function_name: "handle" }] }),
    ).rejects.toMatchObject({
      message: expect.stringContaining("invalid percent-escape"),
    });
  });

  test("refuses the same route and method twice; the same route with another method (or ANY, read as *) is fine", async () => {
    const twice = [
      { route: "/a", http_method: "GET", function_name: "handle" },
      { route: "/a", http_method: "get", function_name: "sys" },
    ];
    await expect(load({ "https_endpoints/config.json": twice })).rejects.toMatchObject({
      message: expect.stringContaining("GET /a: defined twice"),
    });
    const app = await load({
      "https_endpoints/config.json": [
        { route: "/a", http_method: "GET", function_name: "handle" },
        { route: "/a", http_method: "ANY", function_name: "sys" },
      ],
    });
    expect(app.endpoints.map((e) => `${e.method} ${e.route}`)).toEqual(["GET /a", "* /a"]);
  });
});

describe("https_endpoints/data_api_config.json", () => {
  test("the generated Data API as App Services exports it; disabled, it is not served", async () => {
    const app = await load({
      "https_endpoints/data_api_config.json": {
        disabled: false,
        versions: ["v1"],
        return_type: "EJSON",
        create_user_on_auth: true,
        run_as_system: false,
        run_as_user_id: "",
        run_as_user_id_script_source: "",
      },
    });
    expect(app.dataApi).toEqual({
      versions: ["v1"],
      runAs: { kind: "caller" },
      validation: { kind: "NO_VALIDATION" },
      createUserOnAuth: true,
      returnType: "EJSON",
      canEvaluate: undefined,
    });
    expect(app.unsupported).toEqual([]);
    expect((await load({ "https_endpoints/data_api_config.json": { disabled: true } })).dataApi).toBeUndefined();
    expect((await load({})).dataApi).toBeUndefined();
  });

  test("runs as the system, as one user, or as the user a script chooses; a missing secret refuses requests", async () => {
    expect((await load({ "https_endpoints/data_api_config.json": { run_as_system: true } })).dataApi?.runAs).toEqual({ kind: "system" });
    expect((await load({ "http_endpoints/data_api_config.json": { run_as_user_id: "628e47baf4c2ac2796fc8a91" } })).dataApi?.runAs).toEqual({
      kind: "user",
      userId: "628e47baf4c2ac2796fc8a91",
    });
    const script = await load({ "https_endpoints/data_api_config.json": { run_as_user_id_script_source: "exports = () => 'x'" } });
    expect(script.dataApi?.runAs).toEqual({ kind: "script", functionName: "realm-tabs:data-api-run-as", script: "exports = () => 'x'" });
    expect(script.unsupported).toEqual([]);
    const locked = await load({
      "https_endpoints/data_api_config.json": { verification_method: "SECRET_AS_QUERY_PARAM", secret_name: "gone" },
    });
    expect(locked.dataApi?.validation).toEqual({ kind: "SECRET_AS_QUERY_PARAM", secretName: "gone", secret: undefined });
    expect(locked.unsupported).toEqual([
      "https_endpoints/data_api_config.json: the Data API validates with the secret gone, which was not provided (--secrets FILE): its requests are refused",
    ]);
  });

  test("refuses an unknown version or return type, naming the file", async () => {
    await expect(load({ "https_endpoints/data_api_config.json": { versions: ["v2"] } })).rejects.toMatchObject({
      errorCode: "InvalidConfig",
      message: expect.stringContaining('https_endpoints/data_api_config.json: versions: unknown "v2"'),
    });
    await expect(load({ "https_endpoints/data_api_config.json": { return_type: "XML" } })).rejects.toMatchObject({
      message: expect.stringContaining("return_type"),
    });
  });
});
