/**
 * Conformance: the GraphQL API beside the unmodified realm-web 2.0.1, as realm-web's documentation
 * pairs them (a GraphQL client sending the realm-web user's access token, refreshing it on 401):
 * what realm-web writes, GraphQL reads for the same user, and the reverse; an expired token is
 * refused until realm-web refreshes it; a logged-out user's token is refused.
 */
import { rm } from "node:fs/promises";
import * as Realm from "realm-web";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startServer, type RunningServer } from "../../src/index.js";
import { ATLAS, ownerOnly, writeApp } from "../appDir.js";

const TASK = {
  title: "Task",
  bsonType: "object",
  required: ["_id", "owner_id", "text"],
  properties: {
    _id: { bsonType: "objectId" },
    owner_id: { bsonType: "string" },
    text: { bsonType: "string" },
    done: { bsonType: "bool" },
    due: { bsonType: "date" },
  },
};

let dir: string;
let server: RunningServer;
let app: Realm.App;
let user: Realm.User;

beforeAll(async () => {
  dir = await writeApp({
    "root_config.json": { name: "graphql-conformance", app_id: "graphql-conformance" },
    "auth/providers.json": { "local-userpass": { type: "local-userpass", config: { autoConfirm: true } } },
    "data_sources/mongodb-atlas/config.json": ATLAS,
    "data_sources/mongodb-atlas/todo/tasks/rules.json": ownerOnly("todo", "tasks"),
    "data_sources/mongodb-atlas/todo/tasks/schema.json": TASK,
  });
  // access tokens expire after 2 s, so that the refresh on 401 is exercised
  server = await startServer({ inMemory: true, appDir: dir, accessTokenTtlSeconds: 2, onWarning: () => undefined });
  app = new Realm.App({ id: server.config.appId, baseUrl: server.url });
  await app.emailPasswordAuth.registerUser({ email: "ada@example.com", password: "password1" });
  user = await app.logIn(Realm.Credentials.emailPassword("ada@example.com", "password1"));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
}

async function post(token: string | null, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${server.url}/api/client/v2.0/app/${server.config.appId}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token ?? ""}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** What realm-web's documentation does around a GraphQL client: on 401, refresh the token and send again. */
async function graphql(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  let answer = await post(user.accessToken, query, variables);
  if (answer.status === 401) {
    await user.refreshAccessToken();
    answer = await post(user.accessToken, query, variables);
  }
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  return answer.body.data ?? {};
}

describe("GraphQL beside realm-web", () => {
  test("what realm-web inserts, GraphQL finds; what GraphQL inserts, realm-web finds, with its BSON types", async () => {
    const tasks = user.mongoClient("mongodb-atlas").db("todo").collection("tasks");
    await tasks.insertOne({ owner_id: user.id, text: "from realm-web", done: false, due: new Date("2026-01-02T03:04:05.000Z") });
    const found = await graphql(`
      {
        tasks(sortBy: TEXT_ASC) {
          text
          done
          due
        }
      }
    `);
    expect(found["tasks"]).toEqual([{ text: "from realm-web", done: false, due: "2026-01-02T03:04:05.000Z" }]);
    await graphql(
      `
        mutation ($t: TaskInsertInput!) {
          insertOneTask(data: $t) {
            _id
          }
        }
      `,
      {
        t: { owner_id: user.id, text: "from GraphQL", done: true, due: "2026-02-03T04:05:06.000Z" },
      },
    );
    const doc = (await tasks.findOne({ text: "from GraphQL" })) as Record<string, unknown> | null;
    expect(doc?.["due"]).toEqual(new Date("2026-02-03T04:05:06.000Z"));
    expect(doc?.["_id"]).toBeInstanceOf(Realm.BSON.ObjectId);
  });

  test("an expired access token is 401 until realm-web refreshes it", async () => {
    const stale = user.accessToken;
    await expect.poll(async () => (await post(stale, `{ tasks { text } }`)).status, { timeout: 10_000, interval: 250 }).toBe(401);
    const data = await graphql(`
      {
        tasks {
          text
        }
      }
    `);
    expect(data["tasks"]).toHaveLength(2);
    expect(user.accessToken).not.toBe(stale);
  });

  test("a logged-out user's token is refused", async () => {
    const token = user.accessToken;
    await user.logOut();
    // the session ends at logout; the access token dies with it or when it expires, whichever comes first
    await expect.poll(async () => (await post(token, `{ tasks { text } }`)).status, { timeout: 10_000, interval: 250 }).toBe(401);
  });
});
