import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Caller, FunctionRunner } from "../contracts.js";
import { createMongoService } from "../data/index.js";
import { compileCanEvaluate, createRulesAccess } from "../rules/index.js";
import { dataSource, user } from "../../test/rulesHelpers.js";
import { createFunctionRunner, createInProcessRunner } from "./index.js";
import type { FunctionSpec } from "./loader.js";
import { withClientRules } from "./policy.js";

const ALICE = user("aaaaaaaaaaaaaaaaaaaaaaaa", { email: "alice@example.com" });
const BOB = user("bbbbbbbbbbbbbbbbbbbbbbbb");

const spec = (name: string, source: string, runAsSystem = false): FunctionSpec => ({ name, file: `${name}.js`, source, runAsSystem });

const READ_ALL = `exports = async function () {
  const items = context.services.get("mongodb-atlas").db("demo").collection("items");
  return { system: context.runningAsSystem(), user: context.user ? context.user.id : null, ids: (await items.find({}).sort({ _id: 1 })).map((d) => d._id) };
};`;

const SPECS: FunctionSpec[] = [
  spec("asCaller", READ_ALL),
  spec("asSystem", READ_ALL, true),
  // A user function calling a system function: the system one runs as system.
  spec("callsSystem", `exports = () => context.functions.execute("asSystem");`),
  // A system function calling a user function: the callee inherits system.
  spec("systemCallsUser", `exports = () => context.functions.execute("asCaller");`, true),
  spec("env", `exports = () => context.environment;`),
  { name: "unsupported", file: "unsupported.js", source: "exports = () => 1;", error: "unsupported: runs as a specific user" },
  spec("hidden", `exports = () => "secret";`),
  spec("gated", `exports = (n) => n * 2;`),
];

let db: Database.Database;
let mongo: ReturnType<typeof createMongoService>;

beforeAll(async () => {
  db = new Database(":memory:");
  const access = createRulesAccess({
    dataSources: [
      dataSource({ "demo.items": { roles: [{ name: "owner", apply_when: { owner_id: "%%user.id" }, read: true, write: true }] } }),
    ],
    values: {},
    environment: { tag: "qa", values: { url: "https://qa" } },
  });
  mongo = createMongoService({ db, serviceNames: ["mongodb-atlas"], access });
  await mongo.call(
    "mongodb-atlas",
    "insertMany",
    [
      {
        database: "demo",
        collection: "items",
        documents: [
          { _id: 1, owner_id: ALICE.user.id },
          { _id: 2, owner_id: BOB.user.id },
        ],
      },
    ],
    {},
  );
});
afterAll(async () => {
  await mongo.close();
  db.close();
});

describe.each([
  ["in process", (opts: Parameters<typeof createInProcessRunner>[0]) => createInProcessRunner(opts)],
  ["worker thread", (opts: Parameters<typeof createInProcessRunner>[0]) => createFunctionRunner(opts)],
])("app functions (%s)", (_label, create) => {
  let runner: FunctionRunner;
  beforeAll(async () => {
    runner = await create({
      dir: undefined,
      functions: SPECS,
      timeoutMs: 2000,
      values: {},
      environment: { tag: "qa", values: { url: "https://qa" } },
      mongo,
    });
  });
  afterAll(() => runner.close());

  test("a function runs as its caller: rules apply", async () => {
    expect(await runner.call("asCaller", [], ALICE)).toEqual({ system: false, user: ALICE.user.id, ids: [1] });
  });

  test("a function with run_as_system bypasses rules; context.user is still the caller", async () => {
    expect(await runner.call("asSystem", [], ALICE)).toEqual({ system: true, user: ALICE.user.id, ids: [1, 2] });
  });

  test("a system function called by a user function runs as system, and what it calls inherits system", async () => {
    expect(await runner.call("callsSystem", [], BOB)).toEqual({ system: true, user: BOB.user.id, ids: [1, 2] });
    expect(await runner.call("systemCallsUser", [], BOB)).toEqual({ system: true, user: BOB.user.id, ids: [1, 2] });
  });

  test("context.environment is the app's environment", async () => {
    expect(await runner.call("env", [], ALICE)).toEqual({ tag: "qa", values: { url: "https://qa" } });
  });

  test("a function that cannot run here fails with its reason", async () => {
    await expect(runner.call("unsupported", [], ALICE)).rejects.toMatchObject({
      errorCode: "FunctionExecutionError",
      message: "unsupported: runs as a specific user",
    });
  });
});

describe("client calls", () => {
  let runner: FunctionRunner;
  let client: FunctionRunner;
  beforeAll(async () => {
    runner = await createInProcessRunner({ dir: undefined, functions: SPECS, timeoutMs: 2000, values: { limit: 10 }, mongo });
    client = withClientRules(
      runner,
      new Map([
        ["hidden", { private: true, canEvaluate: undefined }],
        [
          "gated",
          {
            private: false,
            canEvaluate: compileCanEvaluate({ "%%user.data.email": "alice@example.com", "%%args.0": { $lt: "%%values.limit" } }, "test"),
          },
        ],
      ]),
      { values: { limit: 10 }, environment: { tag: "", values: {} } },
    );
  });
  afterAll(() => runner.close());

  test("a private function is not found by clients, but other callers reach it", async () => {
    await expect(client.call("hidden", [], ALICE)).rejects.toMatchObject({
      statusCode: 404,
      errorCode: "FunctionNotFound",
      message: "function not found: 'hidden'",
    });
    expect(await client.call("hidden", [], {} satisfies Caller)).toBe("secret");
    expect(await runner.call("hidden", [], ALICE)).toBe("secret");
  });

  test("can_evaluate decides with %%user, %%args and %%values", async () => {
    expect(await client.call("gated", [3], ALICE)).toBe(6);
    await expect(client.call("gated", [30], ALICE)).rejects.toMatchObject({
      errorCode: "FunctionExecutionError",
      message: 'rule not matched for function "gated"',
    });
    await expect(client.call("gated", [3], BOB)).rejects.toMatchObject({ message: 'rule not matched for function "gated"' });
  });
});
