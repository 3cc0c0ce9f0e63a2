/**
 * The email/password flows behind the seven `local-userpass` routes: register, confirm (by token,
 * resend, or by function) and reset (by token, send, or by function).
 * @packageDocumentation
 */
import { z } from "zod";
import type { LocalUserpassConfig } from "../config.js";
import { ServerError, type FunctionRunner } from "../contracts.js";
import { emailField } from "./emails.js";
import { checkPassword, hashPassword, type TokenPair, type UserpassStore } from "./userpass.js";
import { parseBody } from "./validate.js";

const emailSchema = emailField;
const registerBody = z.object({ email: emailSchema, password: z.string() });
const tokenBody = z.object({ token: z.string().min(1), tokenId: z.string().min(1) });
const emailBody = z.object({ email: emailSchema });
const resetBody = tokenBody.extend({ password: z.string() });
const resetCallBody = z.object({ email: emailSchema, password: z.string(), arguments: z.array(z.unknown()).default([]) });
const statusResult = z.object({ status: z.enum(["success", "pending", "fail"]) });

/** What the flows tell the rest of the server. */
export interface UserpassHooks {
  /** A password was changed: the account's sessions (and their streams) must end. */
  passwordChanged(accountId: string): void;
}

/** Runs the email/password flows. */
export class UserpassFlows {
  readonly #store: UserpassStore;
  readonly #config: LocalUserpassConfig;
  readonly #runner: FunctionRunner;
  readonly #hooks: UserpassHooks;

  /** Wires the flows. */
  constructor(store: UserpassStore, config: LocalUserpassConfig, runner: FunctionRunner, hooks: UserpassHooks) {
    this.#store = store;
    this.#config = config;
    this.#runner = runner;
    this.#hooks = hooks;
  }

  /**
   * `register {email, password}`: creates the account; confirms it now (auto-confirm), by the
   * confirmation function, or later by token.
   * @throws ServerError 409 `AccountNameInUse`; 400 `BadRequest` (password length); 400 `InvalidParameter`.
   */
  async register(body: unknown): Promise<void> {
    const { email, password } = parseBody(registerBody, body);
    const autoConfirm = this.#config.autoConfirm;
    await this.#store.register(email, password, autoConfirm);
    if (autoConfirm) return;
    const pair = this.#store.issueToken(email, "confirm");
    // "fail": App Services creates no account, so the address can register again
    if (this.#config.confirmationFunctionName !== undefined) await this.#runConfirmation(email, pair, () => this.#store.withdraw(email));
  }

  /**
   * `confirm {token, tokenId}`.
   * @throws ServerError 400 `UserpassTokenInvalid`.
   */
  async confirm(body: unknown): Promise<void> {
    const pair = parseBody(tokenBody, body);
    const { email } = this.#store.consumeToken(pair, "confirm");
    this.#store.confirm(email);
  }

  /**
   * `confirm/send {email}`: issues a new confirmation token (readable through the admin API).
   * @throws ServerError 404 `UserNotFound`; 400 `UserAlreadyConfirmed` "already confirmed".
   */
  async resendConfirmation(body: unknown): Promise<void> {
    const { email } = parseBody(emailBody, body);
    this.#unconfirmed(email);
    this.#store.issueToken(email, "confirm");
  }

  /**
   * `confirm/call {email}`: runs the confirmation function again.
   * @throws ServerError 400 `BadRequest` with automatic confirmation on or no function configured;
   * 404 `UserNotFound`; 400 `UserAlreadyConfirmed`.
   */
  async retryConfirmation(body: unknown): Promise<void> {
    const { email } = parseBody(emailBody, body);
    if (this.#config.autoConfirm) {
      throw new ServerError(400, "BadRequest", `cannot run confirmation for ${email}: automatic confirmation is enabled`);
    }
    this.#unconfirmed(email);
    if (this.#config.confirmationFunctionName === undefined) {
      throw new ServerError(400, "BadRequest", "no confirmation function is configured");
    }
    await this.#runConfirmation(email, this.#store.issueToken(email, "confirm"));
  }

  #unconfirmed(email: string): void {
    const account = this.#store.find(email);
    if (account === undefined) throw new ServerError(404, "UserNotFound", "user not found");
    if (account.confirmed) throw new ServerError(400, "UserAlreadyConfirmed", "already confirmed");
  }

  /** Runs the confirmation function; on `fail`, calls `onFail` and throws 400. */
  async #runConfirmation(email: string, pair: TokenPair, onFail?: () => void): Promise<void> {
    const name = this.#config.confirmationFunctionName ?? "";
    const status = await this.#callStatus(name, [{ ...pair, username: email }]);
    if (status === "success") {
      this.#store.consumeToken(pair, "confirm");
      this.#store.confirm(email);
    } else if (status === "fail") {
      onFail?.();
      throw new ServerError(400, "BadRequest", `failed to confirm user "${email}"`);
    }
  }

  /**
   * `reset {token, tokenId, password}`: sets the password, then revokes every other reset token and
   * every session of the user.
   * @throws ServerError 400 `BadRequest` (password length); 400 `UserpassTokenInvalid` (also once expired).
   */
  async reset(body: unknown): Promise<void> {
    const { password, ...pair } = parseBody(resetBody, body);
    checkPassword(password);
    const { email } = this.#store.consumeToken(pair, "reset");
    await this.#setPassword(email, password);
  }

  /**
   * `reset/send {email}`: issues a reset token (readable through the admin API).
   * @throws ServerError 400 `BadRequest` when resets go through a function; 404 `UserNotFound`.
   */
  async sendReset(body: unknown): Promise<void> {
    const { email } = parseBody(emailBody, body);
    if (this.#config.resetFunctionName !== undefined) throw new ServerError(400, "BadRequest", "please use reset password via function");
    if (this.#store.find(email) === undefined) throw new ServerError(404, "UserNotFound", "user not found");
    this.#store.issueToken(email, "reset");
  }

  async #setPassword(email: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const account = this.#store.find(email);
    if (account === undefined) throw new ServerError(404, "UserNotFound", "user not found");
    this.#store.setPasswordHash(email, passwordHash);
    this.#store.revokeTokens(email, "reset");
    this.#hooks.passwordChanged(account.id);
  }

  /**
   * `reset/call {email, password, arguments}`: runs the reset function; `success` sets the password
   * (revoking reset tokens and sessions as {@link UserpassFlows.reset} does), `pending` leaves a reset
   * token, `fail` refuses with `failed to reset password for user "<email>"`.
   * @throws ServerError 404 `UserNotFound`; 400 `BadRequest` (length, no function, or `fail`).
   */
  async callReset(body: unknown): Promise<void> {
    const { email, password, arguments: args } = parseBody(resetCallBody, body);
    checkPassword(password);
    if (this.#store.find(email) === undefined) throw new ServerError(404, "UserNotFound", "user not found");
    const name = this.#config.resetFunctionName;
    if (name === undefined) throw new ServerError(400, "BadRequest", "no password reset function is configured");
    const pair = this.#store.issueToken(email, "reset");
    const currentPasswordValid = await this.#store.isCurrentPassword(email, password);
    const status = await this.#callStatus(name, [{ ...pair, username: email, password, currentPasswordValid }, ...args]);
    if (status === "success") {
      this.#store.consumeToken(pair, "reset");
      await this.#setPassword(email, password);
    } else if (status === "fail") {
      throw new ServerError(400, "BadRequest", `failed to reset password for user "${email}"`);
    }
  }

  async #callStatus(name: string, args: unknown[]): Promise<"success" | "pending" | "fail"> {
    const result = await this.#runner.call(name, args, {});
    const parsed = statusResult.safeParse(result);
    if (!parsed.success) {
      throw new ServerError(400, "FunctionExecutionError", `function '${name}' must return {status: "success" | "pending" | "fail"}`);
    }
    return parsed.data.status;
  }
}
