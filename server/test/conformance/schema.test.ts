/**
 * Conformance: a collection's schema (schema.json) as the unmodified realm-web 2.0.1 meets it: a
 * write whose result does not match fails with `SchemaValidationFailedWrite`, the error code apps
 * test for, and changes nothing; the system user is not checked.
 */
import { rm } from "node:fs/promises";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../../src/index.js";
import { ATLAS, ownerOnly, writeApp } from "../appDir.js";

const TASK = {
  title: "Task",
  bsonType: "object",
  required: ["_id", "owner_id", "name"],
  properties: {
    _id: { bsonType: "objectId" },
    owner_id: { bsonType: "string" },
    name: { bsonType: "string" },
    // the docs' change validation (written there for owner_id): a project, once set, stays
    project: { bsonType: "string", validate: { "%or": [{ "%%prev": { "%exists": false } }, { "%%prev": "%%this" }] } },
    done: { bsonType: "bool" },
  },
};

let dir: string;
let server: RunningServer;
let user: Realm.User;
let tasks: ReturnType<typeof tasksOf>;

function tasksOf(u: Realm.User) {
  return u.mongoClient("mongodb-atlas").db("todo").collection("tasks");
}

beforeAll(async () => {
  dir = await writeApp({
    "root_config.json": { name: "schemas", app_id: "schemas" },
    "auth/providers.json": { "anon-user": { type: "anon-user" } },
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/todo/tasks/rules.json": ownerOnly("todo", "tasks"),
    "data_sources/mongodb-atlas/todo/tasks/schema.json": TASK,
    "functions/config.json": [{ name: "systemInsert", run_as_system: true }],
    "https_endpoints/data_api_config.json": { disabled: false, versions: ["v1"] },
    "functions/systemInsert.js": `exports = (doc) => context.services.get("mongodb-atlas").db("todo").collection("tasks").insertOne(doc);`,
    "functions/userPipelineUpdate.js": `exports = () => context.services.get("mongodb-atlas").db("todo").collection("tasks").updateMany({ name: "Write the report" }, [{ $set: { name: { $toInt: "1" } } }]);`,
    "functions/userInsert.js": `exports = (doc) => context.services.get("mongodb-atlas").db("todo").collection("tasks").insertOne(doc);`,
  });
  server = await startServer({ inMemory: true, appDir: dir, onWarning: () => undefined });
  const app = new Realm.App({ id: "schemas", baseUrl: server.url });
  user = await app.logIn(Realm.Credentials.anonymous());
  tasks = tasksOf(user);
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function schemaError(p: Promise<unknown>): Promise<Realm.MongoDBRealmError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Realm.MongoDBRealmError);
  expect(err).toMatchObject({ errorCode: "SchemaValidationFailedWrite", statusCode: 400 });
  return err as Realm.MongoDBRealmError;
}

describe("a collection schema under realm-web's writes", () => {
  test("an insert that does not match fails with SchemaValidationFailedWrite; one that matches is stored", async () => {
    const err = await schemaError(tasks.insertOne({ owner_id: user.id, done: "no" }));
    expect(err.error).toContain("todo.tasks");
    expect(await tasks.count()).toBe(0);
    await tasks.insertOne({ owner_id: user.id, name: "Write the report", done: false });
    expect(await tasks.count()).toBe(1);
  });

  test("the docs' example: $set name to 42 is refused although the role may write; nothing changes", async () => {
    await schemaError(tasks.updateOne({ name: "Write the report" }, { $set: { name: 42 } }));
    expect(await tasks.findOne({}, { projection: { _id: 0, name: 1 } })).toEqual({ name: "Write the report" });
  });

  test("a change validation expression: a project, once set, cannot change", async () => {
    await tasks.updateOne({ name: "Write the report" }, { $set: { project: "q3" } });
    const err = await schemaError(tasks.updateOne({ name: "Write the report" }, { $set: { project: "q4" } }));
    expect(err.error).toContain("the validate expression of project does not hold");
    expect(await tasks.count({ project: "q3" })).toBe(1);
  });

  test("one bad document in an insertMany, or in an update a query thread runs, fails the whole request", async () => {
    await schemaError(
      tasks.insertMany([
        { owner_id: user.id, name: "ok" },
        { owner_id: user.id, name: 7 },
      ]),
    );
    expect(await tasks.count()).toBe(1);
    // a pipeline update is evaluated on a query thread
    // a pipeline update (sent by a function running as the user: realm-web's types have no pipeline form) runs on a query thread
    await expect(user.functions.callFunction("userPipelineUpdate")).rejects.toMatchObject({
      statusCode: 400,
      error: expect.stringContaining("failed to validate the write to todo.tasks against its schema"),
    });
    expect(await tasks.count({ name: "Write the report" })).toBe(1);
  });

  test("findOneAndUpdate, upserts and the Data API are checked too", async () => {
    await schemaError(tasks.findOneAndUpdate({ name: "Write the report" }, { $set: { done: "yes" } }));
    await schemaError(tasks.updateOne({ name: "New" }, { $set: { owner_id: user.id, done: 1 } }, { upsert: true }));
    const res = await fetch(`${server.url}/app/schemas/endpoint/data/v1/action/insertOne`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken ?? ""}` },
      body: JSON.stringify({
        dataSource: "mongodb-atlas",
        database: "todo",
        collection: "tasks",
        document: { owner_id: user.id, name: 5 },
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: "SchemaValidationFailedWrite" });
    expect(await tasks.count()).toBe(1);
  });

  test("a function running as the caller is checked too; a system function is not", async () => {
    const call = user.functions.callFunction("userInsert", { owner_id: user.id });
    await expect(call).rejects.toMatchObject({ statusCode: 400 });
    expect(await tasks.count()).toBe(1);
    await user.functions.callFunction("systemInsert", { owner_id: user.id, name: 123 });
    expect(await tasks.count()).toBe(2);
  });
});
