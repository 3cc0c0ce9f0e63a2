import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";

// Functions that run as a specific user (`run_as_user_id`) or as the user a script chooses
// (`run_as_user_id_script_source`), called by the unmodified realm-web 2.0.1 and over HTTPS
// endpoints. The owner's id exists only once the owner has logged in, so a first start on a data
// directory creates the owner, and the app under test starts on it with that id in its config.
let dataDir: string;
let running: AppServer;
let owner: string;
let caller: Realm.User;

const WHOAMI = `exports = async function () {
  const notes = context.services.get("mongodb-atlas").db("demo").collection("notes");
  return { me: context.user.id, custom: context.user.custom_data, notes: await notes.count({}), system: context.runningAsSystem() };
};`;
const OPEN_READ = { roles: [{ name: "all", apply_when: {}, read: true, write: false }] };

function files(ownerId: string): Record<string, unknown> {
  return {
    "root_config.json": { name: "run-as-app" },
    "auth/providers.json": {
      "anon-user": { type: "anon-user" },
      "local-userpass": { type: "local-userpass", config: { autoConfirm: true } },
    },
    "auth/custom_user_data.json": CUSTOM_USER_DATA,
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/demo/notes/rules.json": ownerOnly("demo", "notes"),
    "data_sources/mongodb-atlas/demo/userData/rules.json": ownerOnly("demo", "userData", "userId"),
    "data_sources/mongodb-atlas/demo/settings/rules.json": { database: "demo", collection: "settings", ...OPEN_READ },
    // the trigger's function writes here as the owner, under the rules
    "data_sources/mongodb-atlas/demo/log/rules.json": {
      database: "demo",
      collection: "log",
      roles: [{ name: "all", apply_when: {}, read: true, write: true, insert: true, delete: true }],
    },
    "functions/config.json": [
      { name: "whoami" },
      { name: "asOwner", run_as_user_id: ownerId },
      { name: "asOwnerNested", run_as_user_id: ownerId },
      { name: "callsAsOwner" },
      { name: "asNobody", run_as_user_id: "000000000000000000000000" },
      { name: "byScript", run_as_user_id_script_source: BY_SCRIPT },
      { name: "scriptSystem", run_as_user_id_script_source: "exports = () => ({ runAsSystem: true });" },
      { name: "scriptBad", run_as_user_id_script_source: "exports = () => 42;" },
      { name: "seed", run_as_system: true },
      { name: "systemWins", run_as_system: true, run_as_user_id: ownerId },
      { name: "logAsOwner", run_as_user_id: ownerId },
      { name: "readLog", run_as_system: true },
      { name: "addEvent", run_as_system: true },
    ],
    "functions/logAsOwner.js": `exports = (event) => context.services.get("mongodb-atlas").db("demo").collection("log")
      .insertOne({ by: context.user.id, system: context.runningAsSystem(), about: event.documentKey._id });`,
    "functions/readLog.js": `exports = () => context.services.get("mongodb-atlas").db("demo").collection("log").find({}, { _id: 0, by: 1, system: 1 }).toArray();`,
    "functions/addEvent.js": `exports = () => context.services.get("mongodb-atlas").db("demo").collection("events").insertOne({ at: new Date() });`,
    "triggers/onEvent.json": {
      name: "onEvent",
      type: "DATABASE",
      config: { service_name: "mongodb-atlas", database: "demo", collection: "events", operation_types: ["INSERT"] },
      disabled: false,
      event_processors: { FUNCTION: { config: { function_name: "logAsOwner" } } },
    },
    "functions/whoami.js": WHOAMI,
    "functions/systemWins.js": WHOAMI,
    "functions/asOwner.js": WHOAMI,
    "functions/asNobody.js": WHOAMI,
    "functions/byScript.js": WHOAMI,
    "functions/scriptSystem.js": WHOAMI,
    "functions/scriptBad.js": WHOAMI,
    "functions/asOwnerNested.js": "exports = () => context.functions.execute('whoami');",
    "functions/callsAsOwner.js": "exports = () => context.functions.execute('asOwner');",
    "functions/seed.js": `exports = async function (ownerId) {
      const db = context.services.get("mongodb-atlas").db("demo");
      await db.collection("notes").insertOne({ owner_id: ownerId, text: "the owner's" });
      await db.collection("userData").insertOne({ userId: ownerId, role: "owner" });
      await db.collection("settings").insertOne({ runAs: ownerId });
    };`,
    "https_endpoints/config.json": [
      {
        route: "/whoami",
        http_method: "GET",
        function_name: "asOwner",
        validation_method: "NO_VALIDATION",
        respond_result: true,
        fetch_custom_user_data: false,
        create_user_on_auth: false,
        disabled: false,
      },
    ],
  };
}

// the script reads whom to run as from a collection every user may read, as its caller
const BY_SCRIPT = `exports = async () => (await context.services.get("mongodb-atlas").db("demo").collection("settings").findOne({})).runAs;`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "rt-run-as-"));
  const first = await startAppServer(files("000000000000000000000000"), { inMemory: false, dataDir });
  try {
    const app = new Realm.App({ id: first.server.config.appId, baseUrl: first.server.url });
    await app.emailPasswordAuth.registerUser({ email: "owner@example.com", password: "secret1" });
    const user = await app.logIn(Realm.Credentials.emailPassword("owner@example.com", "secret1"));
    owner = user.id;
    await user.functions.callFunction("seed", owner);
  } finally {
    await first.close();
  }
  running = await startAppServer(files(owner), { inMemory: false, dataDir });
  const app = new Realm.App({ id: running.server.config.appId, baseUrl: running.server.url });
  caller = await app.logIn(Realm.Credentials.anonymous());
});

afterAll(async () => {
  await running.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (e: unknown) => e,
  );
}

describe("run_as_user_id", () => {
  it("runs as that user, under the rules and with its custom data, whoever calls", async () => {
    expect(await caller.functions.callFunction("whoami")).toMatchObject({ me: caller.id, notes: 0, system: false });
    expect(await caller.functions.callFunction("asOwner")).toEqual({ me: owner, custom: { role: "owner" }, notes: 1, system: false });
  });

  it("yields to run_as_system when both are set", async () => {
    expect(await caller.functions.callFunction("systemWins")).toMatchObject({ me: caller.id, system: true });
  });

  it("passes the user on to the functions it calls, and applies when called by another function", async () => {
    expect(await caller.functions.callFunction("asOwnerNested")).toMatchObject({ me: owner, notes: 1 });
    expect(await caller.functions.callFunction("callsAsOwner")).toMatchObject({ me: owner, notes: 1 });
  });

  it("applies when a trigger calls the function", async () => {
    await caller.functions.callFunction("addEvent");
    await expect.poll(() => caller.functions.callFunction("readLog")).toEqual([{ by: owner, system: false }]);
  });

  it("fails the call when no user has the id", async () => {
    const err = await failure(caller.functions.callFunction("asNobody"));
    expect(err).toMatchObject({ statusCode: 400, errorCode: "FunctionExecutionError" });
    expect((err as Error).message).toContain("asNobody: runs as user 000000000000000000000000, which does not exist or is disabled");
  });

  it("serves an HTTPS endpoint without credentials, as that user (User ID authentication)", async () => {
    const res = await fetch(`${running.server.url}/app/${running.server.config.appId}/endpoint/whoami`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ me: owner, notes: 1 });
  });
});

describe("run_as_user_id_script_source", () => {
  it("runs as the user whose id the script returns", async () => {
    expect(await caller.functions.callFunction("byScript")).toMatchObject({ me: owner, notes: 1, system: false });
  });

  it("runs as the system user when the script returns { runAsSystem: true }", async () => {
    expect(await caller.functions.callFunction("scriptSystem")).toMatchObject({ me: caller.id, notes: 1, system: true });
  });

  it("fails the call when the script returns anything else", async () => {
    const err = await failure(caller.functions.callFunction("scriptBad"));
    expect(err).toMatchObject({ errorCode: "FunctionExecutionError" });
    expect((err as Error).message).toContain("scriptBad: run_as_user_id_script_source must return a user id or { runAsSystem: true }");
  });
});
