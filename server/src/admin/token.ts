/**
 * Rules for the admin token: at least 8 characters, not blank, and sent with the Bearer scheme.
 * @packageDocumentation
 */
import { timingSafeEqual } from "node:crypto";
import { ServerError } from "../contracts.js";

/** The shortest admin token accepted, on the CLI, in options and in the config file alike. */
export const MIN_ADMIN_TOKEN_LENGTH = 8;

/**
 * Checks an admin token before the server starts.
 * @param token - the configured token, or undefined (admin API off)
 * @throws ServerError 500 `InvalidConfig` if it is shorter than {@link MIN_ADMIN_TOKEN_LENGTH} or blank.
 */
export function assertAdminToken(token: string | undefined): void {
  if (token === undefined) return;
  if (token.trim() === "" || token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ServerError(500, "InvalidConfig", `the admin token must have at least ${MIN_ADMIN_TOKEN_LENGTH} characters and not be blank`);
  }
}

/**
 * True if an `Authorization` header is `Bearer <adminToken>` (scheme case-insensitive, token compared in constant time).
 * @param header - the request's `Authorization` header
 * @param adminToken - the configured token
 */
export function isAdminAuthorization(header: string | undefined, adminToken: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  if (match?.[1] === undefined) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
