/**
 * The auth service's events for authentication triggers: each login, user creation and user
 * deletion, as App Services' authentication event (`{operationType, providers, user, time}`),
 * delivered in the order they happened. The auth flow never waits for them.
 * @packageDocumentation
 */
import type { ContextUser } from "../contracts.js";
import type { AuthEvent, AuthOperation } from "../triggers/types.js";
import type { UserRecord } from "./users.js";

/** Emits auth events to one listener, if any. */
export class AuthEvents {
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param listener - receives the events (undefined: none is built)
   * @param userObject - the user object of a user (`context.user`'s shape)
   */
  constructor(
    private readonly listener: ((event: AuthEvent) => void) | undefined,
    private readonly userObject: (user: UserRecord) => Promise<ContextUser>,
  ) {}

  /**
   * Emits an event (after the ones emitted before it).
   * @param operationType - LOGIN, CREATE or DELETE
   * @param providers - the provider types involved
   * @param user - the user (nothing is emitted without one)
   */
  emit(operationType: AuthOperation, providers: string[], user: UserRecord | undefined): void {
    const listener = this.listener;
    if (listener === undefined || user === undefined) return;
    const time = new Date();
    this.#queue = this.#queue
      .then(() => this.userObject(user))
      .then((object) => listener({ operationType, providers, user: { ...object }, time }))
      .catch(() => undefined);
  }
}
