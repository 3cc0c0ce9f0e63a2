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
  /** The user's id. */
  userId: string;
  /** True when this call created the user (a CREATE event is due). */
  created: boolean;
}

/**
 * Finds or creates the user of an identity. Before a user is created, the app's user creation
 * function receives its metadata object (the id it will have, `data`, `identities`, an empty
 * `custom_data`), as App Services' does: if it fails, no user is created. Concurrent first logins
 * of one identity share one creation, so the function runs once.
 */
export class UserCreator {
  readonly #users: UserStore;
  readonly #hook: UserCreationHook | undefined;
  /** The creations under way, by identity. */
  readonly #pending = new Map<string, Promise<UserForIdentity>>();

  /**
   * @param users - the user store
   * @param hook - the user creation function, if the app has one
   */
  constructor(users: UserStore, hook: UserCreationHook | undefined) {
    this.#users = users;
    this.#hook = hook;
  }

  /**
   * Returns the user owning `identity`, creating it when no user has it yet. A later login with the
   * identity updates the identity's data (fresh JWT metadata).
   * @param identity - the proven identity
   * @returns the user's id, and true if this call created it
   * @throws ServerError 401 `AuthError` `user creation function failed: <its error>` when the
   * function threw or timed out (a concurrent login of the identity fails alike)
   */
  async userFor(identity: Identity): Promise<UserForIdentity> {
    const existing = this.#users.findByIdentity(identity.providerType, identity.id);
    const hook = this.#hook;
    if (existing !== undefined || hook === undefined) {
      return { userId: this.#users.upsertByIdentity(identity), created: existing === undefined };
    }
    const key = JSON.stringify([identity.providerType, identity.id]);
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      await pending;
      return { userId: this.#users.upsertByIdentity(identity), created: false };
    }
    const creation = this.#create(identity, hook);
    this.#pending.set(key, creation);
    try {
      return await creation;
    } finally {
      this.#pending.delete(key);
    }
  }

  async #create(identity: Identity, hook: UserCreationHook): Promise<UserForIdentity> {
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
    // a user created meanwhile by other means (another server process on the same data directory)
    const raced = this.#users.findByIdentity(identity.providerType, identity.id);
    if (raced !== undefined) return { userId: this.#users.upsertByIdentity(identity), created: false };
    return { userId: this.#users.createUser(identity, id), created: true };
  }
}
