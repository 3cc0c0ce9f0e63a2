import { rm } from "node:fs/promises";
import { ObjectId } from "bson";
import { afterEach, describe, expect, test } from "vitest";
import { writeApp, type AppFileMap } from "../../test/appDir.js";
import type { DatabaseTrigger } from "../triggers/types.js";
import { loadApp } from "./loader.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function load(files: AppFileMap): Promise<ReturnType<typeof loadApp>> {
  const dir = await writeApp({ "functions/handle.js": "exports = () => 1;", ...files });
  dirs.push(dir);
  return loadApp(dir);
}

const processor = { FUNCTION: { config: { function_name: "handle" } } };

describe("triggers/*.json", () => {
  test("a database trigger as realm-cli exports it, with its defaults", async () => {
    const app = await load({
      "triggers/onSale.json": {
        name: "onSale",
        type: "DATABASE",
        config: {
          operation_types: ["INSERT", "UPDATE"],
          database: "store",
          collection: "sales",
          service_name: "mongodb-atlas",
          match: {},
          project: {},
        },
        disabled: false,
        event_processors: processor,
      },
    });
    const [trigger] = app.triggers as DatabaseTrigger[];
    expect(trigger).toMatchObject({
      type: "DATABASE",
      name: "onSale",
      functionName: "handle",
      service: "mongodb-atlas",
      database: "store",
      collection: "sales",
      fullDocument: false,
      fullDocumentBeforeChange: false,
      unordered: false,
    });
    expect([...(trigger?.operationTypes ?? [])]).toEqual(["INSERT", "UPDATE"]);
    expect(app.unsupported).toEqual([]);
  });

  test("authentication and scheduled triggers, with function_name at the top (the other file format)", async () => {
    const app = await load({
      "triggers/onLogin.json": {
        name: "onLogin",
        type: "AUTHENTICATION",
        config: { operation_type: ["LOGIN"], providers: ["anon-user"] },
        function_name: "handle",
      },
      "triggers/nightly.json": { name: "nightly", type: "SCHEDULED", config: { schedule: "0 3 * * *" }, event_processors: processor },
    });
    expect(app.triggers.map((t) => [t.type, t.name, t.functionName])).toEqual([
      ["SCHEDULED", "nightly", "handle"],
      ["AUTHENTICATION", "onLogin", "handle"],
    ]);
  });

  test("operation_type as one string (as App Services exports it); match values in Extended JSON are BSON values", async () => {
    const app = await load({
      "triggers/onCreate.json": {
        name: "onCreate",
        type: "AUTHENTICATION",
        config: { operation_type: "CREATE", providers: ["local-userpass"] },
        function_name: "handle",
      },
      "triggers/mine.json": {
        name: "mine",
        type: "DATABASE",
        config: {
          database: "d",
          collection: "c",
          operation_types: ["INSERT"],
          match: { "fullDocument.owner": { $oid: "65f0aaaaaaaaaaaaaaaaaaaa" } },
        },
        event_processors: processor,
      },
    });
    const [mine, onCreate] = app.triggers;
    expect(onCreate?.type === "AUTHENTICATION" && [...onCreate.operationTypes]).toEqual(["CREATE"]);
    const owner = mine?.type === "DATABASE" ? mine.match?.["fullDocument.owner"] : undefined;
    expect(owner).toBeInstanceOf(ObjectId);
    expect(String(owner)).toBe("65f0aaaaaaaaaaaaaaaaaaaa");
  });

  test("a database-level trigger (no collection) runs; a deployment-level one is listed, not run, and does not stop the app", async () => {
    const app = await load({
      "triggers/db.json": {
        name: "db",
        type: "DATABASE",
        config: { database: "d", collection: "", operation_types: ["INSERT"] },
        event_processors: processor,
      },
      "triggers/all.json": { name: "all", type: "DATABASE", config: { operation_types: ["INSERT"] }, event_processors: processor },
    });
    expect(app.triggers.map((t) => t.type === "DATABASE" && [t.name, t.database, t.collection])).toEqual([["db", "d", undefined]]);
    expect(app.unsupported).toEqual(["triggers/all.json: trigger all watches the whole deployment, which this server does not run"]);
  });

  test("disabled triggers and collection-level operation types are listed, not run", async () => {
    const app = await load({
      "triggers/off.json": { name: "off", type: "SCHEDULED", config: { schedule: "* * * * *" }, function_name: "handle", disabled: true },
      "triggers/drops.json": {
        name: "drops",
        type: "DATABASE",
        config: { database: "d", collection: "c", operation_types: ["DELETE", "DROP_COLLECTION"] },
        event_processors: processor,
      },
    });
    expect(app.triggers.map((t) => t.name)).toEqual(["drops"]);
    expect(app.unsupported).toEqual([
      "triggers/drops.json: trigger drops never fires on DROP_COLLECTION (this server emits only document changes)",
      "triggers/off.json: trigger off is disabled: it is not run",
    ]);
  });

  test("an unknown function, a missing function name or a bad config is refused naming the file", async () => {
    await expect(
      load({ "triggers/t.json": { name: "t", type: "SCHEDULED", config: { schedule: "* * * * *" }, function_name: "nope" } }),
    ).rejects.toThrow('invalid app: triggers/t.json: function "nope" does not exist');
    await expect(load({ "triggers/t.json": { name: "t", type: "SCHEDULED", config: { schedule: "* * * * *" } } })).rejects.toThrow(
      "invalid app: triggers/t.json: no function_name",
    );
    await expect(
      load({ "triggers/t.json": { name: "t", type: "DATABASE", config: { database: "d", collection: "c" }, event_processors: processor } }),
    ).rejects.toThrow(/invalid app: triggers\/t\.json: config: operation_types/);
    await expect(
      load({
        "triggers/t.json": {
          name: "t",
          type: "AUTHENTICATION",
          config: { operation_type: ["LOGOUT"], providers: ["anon-user"] },
          function_name: "handle",
        },
      }),
    ).rejects.toThrow('unknown operation_type "LOGOUT"');
  });
});
