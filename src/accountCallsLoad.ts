/**
 * The loader of accountCalls.ts, which `user.apiKeys` and `app.emailPasswordAuth` share: the start
 * holds their classes, and their code is loaded on the first call of one.
 * @packageDocumentation
 */
import { loadOnDemand } from "./protocol/deadline.js";

let calls: Promise<typeof import("./accountCalls.js")> | undefined;

/**
 * The code of the API-key and email/password calls (accountCalls.ts), loaded on the first call of
 * one; a failed load is tried again next time.
 * @throws {RealmTabsError} `network` or `timeout` (retryable) if it cannot be loaded
 */
export function loadAccountCalls(): Promise<typeof import("./accountCalls.js")> {
  calls ??= loadOnDemand(() => import("./accountCalls.js"), "the API-key and email/password calls").catch((error: unknown) => {
    calls = undefined;
    throw error;
  });
  return calls;
}
