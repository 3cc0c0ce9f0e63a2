/**
 * Email addresses of the email/password provider, taken as App Services takes them: as typed.
 * "User email addresses are case-sensitive", and an address need not be a valid email address
 * (App Services' own example: a user "could sign up as `my.name@gmail` or `asdavaskljj`"), so
 * nothing is lower-cased, trimmed or checked for shape; only an empty or oversized one is refused.
 * @packageDocumentation
 */
import { z } from "zod";

/** The longest address accepted, in characters (a bound on what is stored, not a rule of App Services). */
export const MAX_EMAIL_LENGTH = 1024;

/** A body field holding an address: a non-empty string of at most {@link MAX_EMAIL_LENGTH} characters, kept as sent. */
export const emailField = z.string().min(1, { message: "email must not be empty" }).max(MAX_EMAIL_LENGTH);
