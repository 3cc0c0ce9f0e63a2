/**
 * `app.emailPasswordAuth`: the `local-userpass` provider's account calls, sent by the session
 * runtime. Every method resolves to `void`.
 * @packageDocumentation
 */
import { emailPasswordBody, type EmailPasswordOp } from "./protocol/args.js";
import { encodeCanonical } from "./codec/lazy.js";
import type { RuntimeCall } from "./watch.js";

/** The email/password provider client of an app. */
export class EmailPasswordAuth {
  /** @internal Built by `App.emailPasswordAuth`. */
  constructor(private readonly call: RuntimeCall) {}

  /** Checks `details` as the runtime will (`method` names the SDK call in errors), then sends it. */
  private async send(op: EmailPasswordOp, method: string, details: unknown): Promise<void> {
    const body = emailPasswordBody(op, details, method);
    const bodyEJSON = await encodeCanonical(body, `${op}: the arguments`);
    await this.call({ method: "emailPassword", about: op }, (emailPassword, appKey) => emailPassword(appKey, op, bodyEJSON));
  }

  /** Registers a new account. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} e.g. `AccountNameInUse` */
  async registerUser(details: { email: string; password: string }): Promise<void> {
    await this.send("register", "registerUser", details);
  }

  /** Confirms an account with the token and token id from the confirmation email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async confirmUser(details: { token: string; tokenId: string }): Promise<void> {
    await this.send("confirm", "confirmUser", details);
  }

  /** Sends the confirmation email again. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async resendConfirmationEmail(details: { email: string }): Promise<void> {
    await this.send("confirm/send", "resendConfirmationEmail", details);
  }

  /** Runs the custom confirmation function again. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async retryCustomConfirmation(details: { email: string }): Promise<void> {
    await this.send("confirm/call", "retryCustomConfirmation", details);
  }

  /** Sets a new password with the token and token id from the reset email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async resetPassword(details: { token: string; tokenId: string; password: string }): Promise<void> {
    await this.send("reset", "resetPassword", details);
  }

  /** Sends a password reset email. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async sendResetPasswordEmail(details: { email: string }): Promise<void> {
    await this.send("reset/send", "sendResetPasswordEmail", details);
  }

  /** Runs the reset function with extra arguments. @throws {RealmTabsError} `invalid-argument` @throws {MongoDBRealmError} */
  async callResetPasswordFunction(details: { email: string; password: string }, ...args: unknown[]): Promise<void> {
    const withArgs = typeof details === "object" && details !== null ? { ...details, arguments: args } : details;
    await this.send("reset/call", "callResetPasswordFunction", withArgs);
  }
}
