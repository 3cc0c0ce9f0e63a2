/**
 * Test support: the `ServerError` a promise rejects with.
 * @packageDocumentation
 */
import { expect } from "vitest";
import { ServerError } from "../src/contracts.js";

/**
 * Awaits `p`, expects it to reject with a {@link ServerError} (a test failure otherwise, also when it
 * resolves) and returns that error for the caller's checks of its status and code.
 */
export async function serverError(p: Promise<unknown>): Promise<ServerError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServerError);
  return err as ServerError;
}

/** As {@link serverError}, for a refused login: expects a 401 `AuthError`. */
export async function authError(p: Promise<unknown>): Promise<ServerError> {
  const err = await serverError(p);
  expect(err).toMatchObject({ statusCode: 401, errorCode: "AuthError" });
  return err;
}
