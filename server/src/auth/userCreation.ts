/**
 * Creating a user for an identity no user has yet, with the app's user creation function
 * (`on_user_creation_function_name` in `auth/custom_user_data.json`) run first.
 * @packageDocumentation
 */
import { ObjectId } from "bson";
import { ServerError, type ContextUser } from "../contracts.js";
import type { Identity, UserStore } from "./users.js";

/**
 * Runs the user creation function for a user about to be created (as the system user, under the
 * function time limit); resolves when it returned, rejects with what it threw.
 */
export type UserCreationHook = (user: ContextUser) => Promise<void>;

/** The user an identity logs in as, and whether this call created it. */
export interface UserForIdentity {
  userId: string;
  created: boolean;
}

/**
 * Returns the user owning `identity`, creating it when no user has it yet. Before a user is created,
 * `hook` receives its metadata object (the id it will have, `data`, `identities`, an empty
 * `custom_data`), as App Services' user creation function does: if it fails, no user is created.
 * A later login with the identity updates the identity's data (fresh JWT metadata).
 * @param users - the user store
 * @param identity - the proven identity
 * @param hook - the user creation function, if the app has one
 * @returns the user's id, and true if this call created it
 * @throws ServerError 401 `AuthError` `user creation function failed: <its error>` when the hook
 * rejects (the function threw, timed out or does not exist)
 */
export async function userForIdentity(users: UserStore, identity: Identity, hook: UserCreationHook | undefined): Promise<UserForIdentity> {
  const existing = users.findByIdentity(identity.providerType, identity.id);
  if (existing !== undefined || hook === undefined) {
    return { userId: users.upsertByIdentity(identity), created: existing === undefined };
  }
  const id = new ObjectId().toHexString();
  try {
    await hook({
      id,
      type: "normal",
      data: { ...identity.data },
      custom_data: {},
      identities: [{ id: identity.id, provider_type: identity.providerType }],
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ServerError(401, "AuthError", `user creation function failed: ${message}`);
  }
  // a concurrent first login of the same identity may have created its user while the function ran
  const raced = users.findByIdentity(identity.providerType, identity.id);
  if (raced !== undefined) return { userId: users.upsertByIdentity(identity), created: false };
  return { userId: users.createUser(identity, id), created: true };
}
