/**
 * Test support for the realm-web conformance tests: the `MongoDBRealmError` a promise rejects with.
 * @packageDocumentation
 */
import * as Realm from "realm-web";
import { expect } from "vitest";

/**
 * Awaits `p`, expects it to reject with realm-web's `MongoDBRealmError` (a test failure otherwise,
 * also when it resolves) and returns that error for the caller's checks.
 */
export async function realmWebError(p: Promise<unknown>): Promise<Realm.MongoDBRealmError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Realm.MongoDBRealmError);
  return err as Realm.MongoDBRealmError;
}
