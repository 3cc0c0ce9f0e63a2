/**
 * `app.emailPasswordAuth` in the runtime: the seven `local-userpass` routes, sent without a token
 * (as core does). The body is passed through as canonical EJSON.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import { emailPasswordBody, emailPasswordOp } from "../../src/protocol/accountArgs.js";
import type { AppRuntime } from "../session/runtime.js";

/**
 * Sends one email/password provider request, once the operation and its body passed the same
 * checks the tab ran (`src/protocol/args.ts`).
 * @param bodyEJSON - the request body as canonical EJSON, sent as is
 * @throws {RealmTabsError} `invalid-argument`; {@link MongoDBRealmError} from the server (e.g. `UserNotFound`)
 */
export async function emailPasswordCall(rt: AppRuntime, operation: unknown, bodyEJSON: string): Promise<void> {
  const op = emailPasswordOp(operation);
  let body: unknown;
  try {
    // parsed as JSON: only the string fields and the arguments array are checked, not their BSON values
    body = JSON.parse(bodyEJSON);
  } catch (e) {
    throw new RealmTabsError("invalid-argument", "the body is not EJSON", { cause: e, retryable: false });
  }
  emailPasswordBody(op, body);
  const route = `/app/${encodeURIComponent(rt.deps.config.id)}/auth/providers/local-userpass/${op}`;
  await rt.deps.transport.send({ method: "POST", route, body: bodyEJSON, token: null });
}
