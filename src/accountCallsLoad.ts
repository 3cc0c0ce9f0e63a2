/**
 * The loader of accountCalls.ts, which `user.apiKeys` and `app.emailPasswordAuth` share: the start
 * holds their classes, and their code is loaded on the first call of one.
 * @packageDocumentation
 */
import { onFirstUse } from "./protocol/deadline.js";

/**
 * The code of the API-key and email/password calls (accountCalls.ts), loaded on the first call of
 * one; a failed load is tried again next time.
 * @throws {RealmTabsError} `network` or `timeout` (retryable) if it cannot be loaded
 */
export const loadAccountCalls = onFirstUse(() => import("./accountCalls.js"), "the API-key and email/password calls");
