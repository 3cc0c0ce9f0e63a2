import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ATLAS, ownerOnly } from "../../test/appDir.js";
import { CUSTOM_USER_DATA, startAppServer, type AppServer } from "../../test/appServer.js";
import { getWithBody } from "../../test/getWithBody.js";
import { TestClient } from "../../test/testClient.js";

// The generated Data API (App Services' Data API v1 reference: openapi-data-api-v1), under the
// app's rules: each user reaches only its own tasks.
const files = {
  "root_config.json": { name: "data-api", app_id: "data-api-app" },
  "data_sources/mongodb-atlas/config.json": ATLAS,
  "data_sources/mongodb-atlas/learn-data-api/tasks/rules.json": ownerOnly("learn-data-api", "tasks"),
  "auth/providers.json": { "anon-user": { type: "anon-user" }, "api-key": { type: "api-key" } },
  "https_endpoints/data_api_config.json": {
    disabled: false,
    versions: ["v1"],
    return_type: "JSON",
    create_user_on_auth: false,
    run_as_system: false,
  },
};

let app: AppServer;
let base: string;
const keys: { key: string; userId: string }[] = [];

beforeAll(async () => {
  app = await startAppServer(files);
  const c = new TestClient(app.server.url, "data-api-app");
  base = `${app.server.url}/app/data-api-app/endpoint/data/v1/action`;
  for (const name of ["alice", "bob"]) {
    const user = await c.logIn("anon-user");
    const key = await c.request("POST", "/auth/api_keys", { token: user.refresh_token, body: { name } });
    keys.push({ key: (key.body as { key: string }).key, userId: user.user_id });
  }
});
afterAll(() => app.close());

const ns = { dataSource: "mongodb-atlas", database: "learn-data-api", collection: "tasks" };

async function act(
  action: string,
  body: Record<string, unknown> | string,
  opts: { as?: number; accept?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "application/ejson", ...opts.headers };
  if (opts.as !== undefined) headers["apiKey"] = keys[opts.as]?.key ?? "";
  if (opts.accept !== undefined) headers["accept"] = opts.accept;
  const res = await fetch(`${base}/${action}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify({ ...ns, ...body }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, type: res.headers.get("content-type") };
}

describe("the Data API's actions", () => {
  test("insertOne and insertMany; EJSON in the body; the answer in JSON or EJSON", async () => {
    const alice = keys[0]?.userId;
    const one = await act(
      "insertOne",
      {
        document: {
          _id: { $oid: "629971c0d71aad65bd59c595" },
          owner_id: alice,
          text: "Do the dishes",
          status: "open",
          at: { $date: { $numberLong: "1654589430998" } },
        },
      },
      { as: 0 },
    );
    expect(one).toMatchObject({ status: 200, body: { insertedId: "629971c0d71aad65bd59c595" }, type: "application/json" });
    const many = await act(
      "insertMany",
      {
        documents: [1, 2, 3].map((n) => ({ owner_id: alice, text: `Task ${n}`, status: n === 2 ? "complete" : "open", n })),
      },
      { as: 0, accept: "application/ejson" },
    );
    expect(many.status).toBe(200);
    expect(many.type).toBe("application/ejson");
    expect(many.body["insertedIds"]).toEqual([expect.objectContaining({ $oid: expect.any(String) }), expect.anything(), expect.anything()]);
  });

  test("findOne and find: filter (Extended JSON too, sent as application/json), projection, sort, limit, skip", async () => {
    const byId = await act(
      "findOne",
      { filter: { _id: { $oid: "629971c0d71aad65bd59c595" } }, projection: { text: 1, at: 1 } },
      { as: 0, contentType: "application/json" },
    );
    expect(byId.body).toEqual({ document: { _id: "629971c0d71aad65bd59c595", text: "Do the dishes", at: "2022-06-07T08:10:30.998Z" } });
    expect((await act("findOne", { filter: { text: "nope" } }, { as: 0 })).body).toEqual({ document: null });
    const found = await act(
      "find",
      { filter: { n: { $gte: 1 } }, sort: { n: -1 }, skip: 1, limit: 1, projection: { _id: 0, n: 1 } },
      { as: 0 },
    );
    expect(found.body).toEqual({ documents: [{ n: 2 }] });
    const all = await act("find", { filter: {}, sort: { n: 1 }, projection: { _id: 0, n: 1 }, skip: 2 }, { as: 0 });
    expect(all.body).toEqual({ documents: [{ n: 2 }, { n: 3 }] });
  });

  test("updateOne, updateMany (with upsert) and replaceOne answer the counts; a replacement with operators is refused", async () => {
    expect((await act("updateOne", { filter: { n: 1 }, update: { $set: { status: "complete" } } }, { as: 0 })).body).toEqual({
      matchedCount: 1,
      modifiedCount: 1,
    });
    expect((await act("updateMany", { filter: { status: "complete" }, update: { $set: { done: true } } }, { as: 0 })).body).toEqual({
      matchedCount: 2,
      modifiedCount: 2,
    });
    const upserted = await act(
      "updateOne",
      { filter: { owner_id: keys[0]?.userId, text: "New" }, update: { $set: { n: 9 } }, upsert: true },
      { as: 0 },
    );
    expect(upserted.body).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedId: expect.stringMatching(/^[0-9a-f]{24}$/) });
    const replaced = await act(
      "replaceOne",
      { filter: { n: 9 }, replacement: { owner_id: keys[0]?.userId, text: "Replaced", n: 10 } },
      { as: 0 },
    );
    expect(replaced.body).toEqual({ matchedCount: 1, modifiedCount: 1 });
    expect((await act("findOne", { filter: { n: 10 }, projection: { _id: 0, text: 1 } }, { as: 0 })).body).toEqual({
      document: { text: "Replaced" },
    });
    const bad = await act("replaceOne", { filter: { n: 10 }, replacement: { $set: { n: 11 } } }, { as: 0 });
    expect(bad).toMatchObject({ status: 400, body: { error_code: "MongoDBError" } });
  });

  test("aggregate, deleteOne and deleteMany", async () => {
    const grouped = await act(
      "aggregate",
      { pipeline: [{ $match: { n: { $lte: 3 } } }, { $group: { _id: "$status", count: { $sum: 1 } } }, { $sort: { _id: 1 } }] },
      { as: 0 },
    );
    expect(grouped.body).toEqual({
      documents: [
        { _id: "complete", count: 2 },
        { _id: "open", count: 1 },
      ],
    });
    expect((await act("deleteOne", { filter: { n: 10 } }, { as: 0 })).body).toEqual({ deletedCount: 1 });
    expect((await act("deleteMany", { filter: { n: { $lte: 3 } } }, { as: 0 })).body).toEqual({ deletedCount: 3 });
  });

  test("the app's rules apply to each user", async () => {
    await act("insertOne", { document: { owner_id: keys[0]?.userId, text: "Alice's" } }, { as: 0 });
    expect((await act("find", { filter: {} }, { as: 1 })).body).toEqual({ documents: [] });
    const foreign = await act("insertOne", { document: { owner_id: keys[0]?.userId, text: "Bob writes as Alice" } }, { as: 1 });
    expect(foreign.status).toBe(403);
    expect((await act("deleteMany", { filter: {} }, { as: 1 })).body).toEqual({ deletedCount: 0 });
  });
});

describe("what the rules and the server refuse", () => {
  test("another user's documents stay out of reach of updateMany, replaceOne, upserts and aggregate", async () => {
    const alice = keys[0]?.userId;
    await act("insertOne", { document: { _id: "a-doc", owner_id: alice, text: "Alice's own" } }, { as: 0 });
    expect((await act("updateMany", { filter: {}, update: { $set: { text: "Bob was here" } } }, { as: 1 })).body).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
    });
    expect((await act("replaceOne", { filter: { _id: "a-doc" }, replacement: { owner_id: keys[1]?.userId } }, { as: 1 })).body).toEqual({
      matchedCount: 0,
      modifiedCount: 0,
    });
    const upsert = await act(
      "updateOne",
      { filter: { _id: "a-doc" }, update: { $set: { owner_id: keys[1]?.userId } }, upsert: true },
      { as: 1 },
    );
    expect(upsert.status).toBe(400);
    expect((await act("aggregate", { pipeline: [{ $match: {} }] }, { as: 1 })).body).toEqual({ documents: [] });
    expect((await act("findOne", { filter: { _id: "a-doc" }, projection: { _id: 0, text: 1 } }, { as: 0 })).body).toEqual({
      document: { text: "Alice's own" },
    });
  });

  test("stages kept for system code, a document nested deeper than 100 levels", async () => {
    const lookup = await act(
      "aggregate",
      { pipeline: [{ $lookup: { from: "other", localField: "a", foreignField: "b", as: "c" } }] },
      { as: 0 },
    );
    expect(lookup.status).toBe(400);
    expect(lookup.body).toMatchObject({ error_code: "MongoDBError" });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 120; i++) deep = { a: deep };
    const nested = await act("insertOne", { document: { owner_id: keys[0]?.userId, deep } }, { as: 0 });
    expect(nested).toMatchObject({ status: 400, body: { error_code: "InvalidParameter" } });
  });

  test("a bearer token and email/password authenticate too", async () => {
    const c = new TestClient(app.server.url, "data-api-app");
    const user = await c.logIn("anon-user");
    const res = await act("find", { filter: {} }, { headers: { authorization: `Bearer ${user.access_token}` } });
    expect(res).toMatchObject({ status: 200, body: { documents: [] } });
    const wrong = await act("find", { filter: {} }, { headers: { email: "nobody@example.com", password: "secret1" } });
    // the app has no email/password provider
    expect(wrong.status).toBe(404);
  });
});

describe("errors", () => {
  test.each([
    ["no credentials", "find", { filter: {} }, {}, 400, "InvalidParameter"],
    ["a missing collection", "find", { collection: "" }, { as: 0 }, 400, "InvalidParameter"],
    ["a missing filter on a delete", "deleteOne", { filter: undefined }, { as: 0 }, 400, "InvalidParameter"],
    ["an unknown data source", "find", { dataSource: "other", filter: {} }, { as: 0 }, 404, "ServiceNotFound"],
    ["an unknown action", "findMany", { filter: {} }, { as: 0 }, 404, "EndpointNotFound"],
    ["an unknown operator", "find", { filter: { n: { $nope: 1 } } }, { as: 0 }, 400, "MongoDBError"],
  ] as const)("%s: %i %s", async (_label, action, body, opts, status, code) => {
    const res = await act(action, body, opts);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: expect.any(String), error_code: code });
  });

  test("the docs' findOne sent as GET with a body", async () => {
    const res = await getWithBody(`${base}/findOne`, JSON.stringify({ ...ns, filter: { nope: 1 }, projection: { text: 1 } }), {
      apiKey: keys[0]?.key ?? "",
      "content-type": "application/json",
      accept: "application/ejson",
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ document: null });
  });

  test("a malformed body, and a version the app did not enable", async () => {
    expect(await act("find", "{not json", { as: 0 })).toMatchObject({ status: 400, body: { error_code: "BadRequest" } });
    const beta = await fetch(`${app.server.url}/app/data-api-app/endpoint/data/beta/action/find`, {
      method: "POST",
      headers: { apiKey: keys[0]?.key ?? "", "content-type": "application/json" },
      body: JSON.stringify({ ...ns, filter: {} }),
    });
    expect(beta.status).toBe(404);
  });
});

describe("the Data API's settings", () => {
  test("run_as_system needs no credentials and passes the rules by; can_evaluate reads %%request; EJSON by default", async () => {
    const own = await startAppServer({
      ...files,
      "https_endpoints/data_api_config.json": {
        disabled: false,
        versions: ["v1"],
        return_type: "EJSON",
        run_as_system: true,
        can_evaluate: { "%%request.requestHeaders.X-Secret-Key": "my-secret" },
      },
    });
    try {
      const url = `${own.server.url}/app/data-api-app/endpoint/data/v1/action`;
      const post = (action: string, body: object, headers: Record<string, string>) =>
        fetch(`${url}/${action}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ ...ns, ...body }),
        });
      const inserted = await post("insertOne", { document: { owner_id: "nobody", n: 5 } }, { "X-Secret-Key": "my-secret" });
      expect(inserted.status).toBe(200);
      expect(await inserted.json()).toEqual({ insertedId: { $oid: expect.any(String) } });
      const found = await post("find", { filter: {} }, { "X-Secret-Key": "my-secret" });
      expect(await found.json()).toMatchObject({ documents: [{ owner_id: "nobody", n: { $numberInt: "5" } }] });
      const refused = await post("find", { filter: {} }, { "X-Secret-Key": "wrong" });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error_code: "FunctionExecutionError", error: "rule not matched for the Data API" });
    } finally {
      await own.close();
    }
  });

  test("find's skip comes before the result cap (here 5 documents)", async () => {
    const own = await startAppServer(
      { ...files, "https_endpoints/data_api_config.json": { disabled: false, versions: ["v1"], run_as_system: true } },
      { config: { limits: { maxResultDocuments: 5 } } },
    );
    try {
      const url = `${own.server.url}/app/data-api-app/endpoint/data/v1/action`;
      const post = async (action: string, body: object): Promise<unknown> =>
        (
          await fetch(`${url}/${action}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ ...ns, ...body }),
          })
        ).json();
      await post("insertMany", { documents: Array.from({ length: 8 }, (_, i) => ({ n: i + 1 })) });
      expect(await post("find", { filter: {}, sort: { n: 1 }, skip: 5, limit: 2, projection: { _id: 0, n: 1 } })).toEqual({
        documents: [{ n: 6 }, { n: 7 }],
      });
      expect(await post("find", { filter: {}, sort: { n: 1 }, skip: 3, projection: { _id: 0, n: 1 } })).toEqual({
        documents: [4, 5, 6, 7, 8].map((n) => ({ n })),
      });
    } finally {
      await own.close();
    }
  });

  test("the secret query parameter, and rules that read the caller's custom user data", async () => {
    const own = await startAppServer(
      {
        ...files,
        "auth/custom_user_data.json": CUSTOM_USER_DATA,
        "data_sources/mongodb-atlas/learn-data-api/notes/rules.json": {
          database: "learn-data-api",
          collection: "notes",
          roles: [
            { name: "admin", apply_when: { "%%user.custom_data.role": "admin" }, read: true, write: true, insert: true, delete: true },
          ],
        },
        "functions/config.json": [{ name: "grant", run_as_system: true }],
        "functions/grant.js": `exports = (userId) => context.services.get("mongodb-atlas").db("demo").collection("userData").insertOne({ userId, role: "admin" });`,
        "https_endpoints/data_api_config.json": {
          disabled: false,
          versions: ["v1"],
          verification_method: "SECRET_AS_QUERY_PARAM",
          secret_name: "s",
        },
      },
      { secrets: { s: "open-sesame" } },
    );
    try {
      const c = new TestClient(own.server.url, "data-api-app");
      const admin = await c.logIn("anon-user");
      const other = await c.logIn("anon-user");
      await c.request("POST", c.app("/functions/call"), { token: admin.access_token, body: { name: "grant", arguments: [admin.user_id] } });
      const url = `${own.server.url}/app/data-api-app/endpoint/data/v1/action/insertOne`;
      const insert = (token: string, query: string) =>
        fetch(`${url}${query}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ ...ns, collection: "notes", document: { text: "hi" } }),
        });
      expect((await insert(admin.access_token, "")).status).toBe(401);
      expect((await insert(admin.access_token, "?secret=wrong")).status).toBe(401);
      expect((await insert(admin.access_token, "?secret=open-sesame")).status).toBe(200);
      expect((await insert(other.access_token, "?secret=open-sesame")).status).toBe(403);
    } finally {
      await own.close();
    }
  });

  test("run_as_user_id of a user that does not exist: 401 InvalidSession", async () => {
    const own = await startAppServer({
      ...files,
      "https_endpoints/data_api_config.json": { disabled: false, versions: ["v1"], run_as_user_id: "628e47baf4c2ac2796fc8a91" },
    });
    try {
      const res = await fetch(`${own.server.url}/app/data-api-app/endpoint/data/v1/action/find`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...ns, filter: {} }),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error_code: "InvalidSession", error: "invalid session: error finding user for endpoint" });
    } finally {
      await own.close();
    }
  });
});
