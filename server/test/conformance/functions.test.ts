/**
 * Conformance: the unmodified realm-web 2.0.1 calls the demo functions on a real server
 * (startServer on 127.0.0.1:0): results, BSON round trips, context.user, services, errors, time limit.
 */
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../../src/index.js";
import { realmWebError as rejection } from "./realmWebError.js";

let server: RunningServer;
let app: Realm.App;
let user: Realm.User;

/** Calls a function through realm-web's `user.functions` proxy (`user.functions[name]`, called detached). */
function fn(u: Realm.User, name: string): (...args: unknown[]) => Promise<unknown> {
  const f = u.functions[name];
  if (typeof f !== "function") throw new Error(`no proxy for ${name}`);
  return f;
}

beforeAll(async () => {
  server = await startServer({
    inMemory: true,
    functionsDir: "demo/app/functions",
    config: { functionTimeoutMs: 500 },
    allowAllData: true,
    onWarning: () => undefined,
  });
  app = new Realm.App({ id: server.config.appId, baseUrl: server.url });
  user = await app.logIn(Realm.Credentials.anonymous());
});

afterAll(async () => {
  await server?.close();
});

describe("realm-web functions", () => {
  test("sum through the functions proxy and callFunction", async () => {
    expect(await fn(user, "sum")(1, 2)).toBe(3);
    expect(await user.callFunction("sum", 1.5, 2, 3)).toBe(6.5);
    const sum = user.functions.sum;
    expect(await sum?.(4)).toBe(4);
  });

  test("whoami sees context.user", async () => {
    expect(await fn(user, "whoami")()).toBe(user.id);
  });

  test("echo round-trips BSON values", async () => {
    const value = {
      oid: new Realm.BSON.ObjectId("65a0aaaaaaaaaaaaaaaaaa01"),
      when: new Date(1704067200000),
      dec: Realm.BSON.Decimal128.fromString("1.25"),
      bin: new Realm.BSON.Binary(Buffer.from("bytes"), 0),
      list: [1, "two", { three: 3.5 }],
      nil: null,
    };
    const back = (await fn(user, "echo")(value)) as typeof value;
    expect(back.oid.toHexString()).toBe("65a0aaaaaaaaaaaaaaaaaa01");
    expect(back.when).toEqual(value.when);
    expect(back.dec.toString()).toBe("1.25");
    expect(Buffer.from(back.bin.buffer).toString()).toBe("bytes");
    expect(back.list).toEqual([1, "two", { three: 3.5 }]);
    expect(back.nil).toBeNull();
  });

  test("addTodo and listTodos use context.services as the calling user", async () => {
    await app.emailPasswordAuth.registerUser({ email: "other@example.com", password: "secret-pw" });
    const other = await app.logIn(Realm.Credentials.emailPassword("other@example.com", "secret-pw"));
    expect(other.id).not.toBe(user.id);
    await fn(user, "addTodo")("mine 1");
    await fn(other, "addTodo")("theirs");
    await fn(user, "addTodo")("mine 2");
    app.switchUser(user);
    const mine = (await fn(user, "listTodos")()) as { text: string; owner_id: string }[];
    expect(mine.map((t) => t.text)).toEqual(["mine 1", "mine 2"]);
    expect(new Set(mine.map((t) => t.owner_id))).toEqual(new Set([user.id]));
    const stored = await user.mongoClient("mongodb-atlas").db("demo").collection("todos").count({ owner_id: other.id });
    expect(stored).toBe(1);
  });

  test("a throwing function is 400 FunctionExecutionError with its message", async () => {
    const err = await rejection(fn(user, "fail")("broken on purpose"));
    expect([err.statusCode, err.errorCode, err.error]).toEqual([400, "FunctionExecutionError", "broken on purpose"]);
  });

  test("an unknown function is 404 FunctionNotFound", async () => {
    const err = await rejection(fn(user, "noSuchFunction")());
    expect([err.statusCode, err.errorCode, err.error]).toEqual([404, "FunctionNotFound", "function not found: 'noSuchFunction'"]);
  });

  test("the time limit gives 400 ExecutionTimeLimitExceeded, and the server keeps serving", async () => {
    expect(await fn(user, "slow")(10)).toBe(10);
    const err = await rejection(fn(user, "slow")(5000));
    expect([err.statusCode, err.errorCode]).toEqual([400, "ExecutionTimeLimitExceeded"]);
    expect(await fn(user, "sum")(2, 2)).toBe(4);
  });
});
