/**
 * `app.emailPasswordAuth`: the `local-userpass` provider's account calls, sent by the session
 * runtime. Every method resolves to `void`.
 * @packageDocumentation
 */
import { EJSON } from "bson";
import { RealmTabsError } from "./protocol/errors.js";
import type { EmailPasswordOp } from "./protocol/rpc.js";
import { dropUndefined } from "./functions.js";
import { fullApi, type RuntimeCall } from "./watch.js";

function strings(what: string, value: unknown, keys: readonly string[]): Record<string, string> {
  if (typeof value !== "object" || value === null) throw new RealmTabsError("invalid-argument", `${what} takes an object {${keys.join(", ")}}`, { retryable: false });
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v !== "string" || v.length === 0) throw new RealmTabsError("invalid-argument", `${what}: ${k} must be a non-empty string`, { retryable: false });
    out[k] = v;
  }
  return out;
}

/** The email/password provider client of an app. */
export class EmailPasswordAuth {
  /** @internal Built by `App.emailPasswordAuth`. */
  constructor(private readonly call: RuntimeCall) {}

  private async send(op: EmailPasswordOp, body: Record<string, unknown>): Promise<void> {
    let bodyEJSON: string;
    try {
      bodyEJSON = EJSON.stringify(dropUndefined(body), { relaxed: false });
    } catch (cause) {
      throw new RealmTabsError("invalid-argument", `${op}: the arguments cannot be encoded as EJSON`, { cause, retryable: false });
    }
    await this.call(`emailPasswordAuth.${op}`, (api, appKey) => fullApi(api).emailPassword(appKey, op, bodyEJSON));
  }

  /** Registers a new account. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} e.g. `AccountNameInUse` */
  async registerUser(details: { email: string; password: string }): Promise<void> {
    await this.send("register", strings("registerUser", details, ["email", "password"]));
  }

  /** Confirms an account with the token and token id from the confirmation email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async confirmUser(details: { token: string; tokenId: string }): Promise<void> {
    await this.send("confirm", strings("confirmUser", details, ["token", "tokenId"]));
  }

  /** Sends the confirmation email again. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async resendConfirmationEmail(details: { email: string }): Promise<void> {
    await this.send("confirm/send", strings("resendConfirmationEmail", details, ["email"]));
  }

  /** Runs the custom confirmation function again. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async retryCustomConfirmation(details: { email: string }): Promise<void> {
    await this.send("confirm/call", strings("retryCustomConfirmation", details, ["email"]));
  }

  /** Sets a new password with the token and token id from the reset email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async resetPassword(details: { token: string; tokenId: string; password: string }): Promise<void> {
    await this.send("reset", strings("resetPassword", details, ["token", "tokenId", "password"]));
  }

  /** Sends a password reset email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async sendResetPasswordEmail(details: { email: string }): Promise<void> {
    await this.send("reset/send", strings("sendResetPasswordEmail", details, ["email"]));
  }

  /** Runs the reset function with extra arguments. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async callResetPasswordFunction(details: { email: string; password: string }, ...args: unknown[]): Promise<void> {
    await this.send("reset/call", { ...strings("callResetPasswordFunction", details, ["email", "password"]), arguments: args });
  }
}
