/**
 * Email addresses of the email/password provider: trimmed and lower-cased, so one address is one
 * account however it is typed, and checked for a plausible shape.
 * @packageDocumentation
 */
import { z } from "zod";

/** The longest address accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const EMAIL = new RegExp(`^[^\\s@]{1,64}@${LABEL}(?:\\.${LABEL})+$`);

/**
 * The canonical form of an address: trimmed and lower-cased.
 * @param raw - the address as sent
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * True for a canonical address of plausible shape: one `@`, no white space, a dotted domain of
 * letters, digits and hyphens, at most {@link MAX_EMAIL_LENGTH} characters.
 * @param email - a canonical address (see {@link normalizeEmail})
 */
export function isValidEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email);
}

/** A body field holding an address: normalised, then checked. */
export const emailField = z.string().max(1024).transform(normalizeEmail).refine(isValidEmail, { message: "invalid email address" });
