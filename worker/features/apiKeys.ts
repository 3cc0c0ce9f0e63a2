/**
 * `user.apiKeys` in the runtime: the six `/auth/api_keys` routes, sent with the user's refresh
 * token (both SDKs do). Results are canonical EJSON as the server sent them (`_id` a hex string).
 * @packageDocumentation
 */
import { canonicalFromJSON } from "../io/ejson.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { nonEmptyString } from "../../src/protocol/args.js";
import { apiKeyId, apiKeyName, apiKeyOp, type ApiKeyOp } from "../../src/protocol/accountArgs.js";
import type { AppRuntime } from "../session/runtime.js";
import type { TransportRequest } from "../io/transport.js";

function route(op: ApiKeyOp, arg: string | undefined): Pick<TransportRequest, "method" | "route" | "body"> {
  if (op === "create") return { method: "POST", route: "/auth/api_keys", body: JSON.stringify({ name: apiKeyName(arg) }) };
  if (op === "fetchAll") return { method: "GET", route: "/auth/api_keys" };
  const path = `/auth/api_keys/${apiKeyId(arg)}`;
  switch (op) {
    case "fetch":
      return { method: "GET", route: path };
    case "delete":
      return { method: "DELETE", route: path };
    case "enable":
      return { method: "PUT", route: `${path}/enable` };
    case "disable":
      return { method: "PUT", route: `${path}/disable` };
  }
}

/**
 * Runs one API-key call as the user, once the operation and its argument passed the checks the tab
 * ran (`src/protocol/args.ts`); returns canonical EJSON of the answer (`null` for none).
 * @param op - the operation, unchecked
 * @param arg - the key's name or id, unchecked
 * @throws {RealmTabsError} `invalid-argument`, `user-not-found`, `not-logged-in`; {@link MongoDBRealmError} from the server
 */
export async function apiKeyCall(rt: AppRuntime, userId: string, op: unknown, arg?: unknown): Promise<string> {
  const r = route(apiKeyOp(op), arg === undefined ? undefined : nonEmptyString(arg, "API key argument"));
  const token = rt.loggedInUser(userId).refreshToken;
  if (!token) throw new RealmTabsError("not-logged-in", `The user ${userId} has no refresh token`);
  const res = await rt.deps.transport.send({ ...r, token });
  if (res.text.trim() === "") return "null";
  try {
    return canonicalFromJSON(JSON.parse(res.text));
  } catch (e) {
    throw new RealmTabsError("internal", "The API key answer is not EJSON", { cause: e });
  }
}
