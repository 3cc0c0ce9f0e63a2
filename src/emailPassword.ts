/**
 * `app.emailPasswordAuth`: the `local-userpass` provider's account calls, sent by the session
 * runtime. Every method resolves to `void`; the methods' code (accountCalls.ts) is loaded on the
 * first call of one.
 * @packageDocumentation
 */
import type { EmailPasswordOp } from "./protocol/accountArgs.js";
import { loadAccountCalls } from "./accountCallsLoad.js";
import type { RuntimeCall } from "./watch.js";

/** The email/password provider client of an app. */
export class EmailPasswordAuth {
  /** @internal Built by `App.emailPasswordAuth`. */
  constructor(private readonly call: RuntimeCall) {}

  /** Checks `details` and sends them, once the account calls' code is loaded (accountCalls.ts). */
  private async send(op: EmailPasswordOp, method: string, details: unknown): Promise<void> {
    await (await loadAccountCalls()).emailPasswordCall(this.call, op, method, details);
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
