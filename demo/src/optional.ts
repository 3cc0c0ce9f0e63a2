/**
 * The parts of the realm-web API that the tab side may not have yet (MongoDB service, API keys,
 * email/password registration, runtime mode), found by feature detection. A section whose API is
 * missing shows "not available" instead of faking it.
 * @packageDocumentation
 */
import type { App, User } from "../../src/index.js";

/** A todo document. */
export interface Todo {
  _id: unknown;
  text: string;
  done: boolean;
  createdAt?: Date;
}

/** A change event of `collection.watch()` (the fields the demo reads). */
export interface ChangeEvent {
  operationType: string;
  documentKey?: { _id: unknown };
}

/** The realm-web MongoDB collection methods the demo uses. */
export interface TodoCollection {
  find(filter?: object, options?: { sort?: object }): Promise<Todo[]>;
  insertOne(doc: Omit<Todo, "_id">): Promise<{ insertedId: unknown }>;
  updateOne(filter: object, update: object): Promise<unknown>;
  deleteOne(filter: object): Promise<unknown>;
  watch(): AsyncGenerator<ChangeEvent, unknown, unknown>;
}

interface MongoClientLike {
  db(name: string): { collection(name: string): TodoCollection };
}

/** realm-web's `user.apiKeys`. */
export interface ApiKeysLike {
  create(name: string): Promise<{ _id: unknown; key?: string; name: string; disabled: boolean }>;
}

/** realm-web's `app.emailPasswordAuth`. */
export interface EmailPasswordLike {
  registerUser(details: { email: string; password: string }): Promise<void>;
}

/** The demo's todo collection of `user`, or null if `user.mongoClient` does not exist yet. */
export function todosOf(user: User): TodoCollection | null {
  const factory = (user as unknown as { mongoClient?: (service: string) => MongoClientLike }).mongoClient;
  if (typeof factory !== "function") return null;
  return factory.call(user, "mongodb-atlas").db("demo").collection("todos");
}

/** `user.apiKeys`, or null if it does not exist yet. */
export function apiKeysOf(user: User): ApiKeysLike | null {
  const keys = (user as unknown as { apiKeys?: ApiKeysLike }).apiKeys;
  return keys && typeof keys.create === "function" ? keys : null;
}

/** `app.emailPasswordAuth`, or null if it does not exist yet. */
export function emailPasswordOf(app: App): EmailPasswordLike | null {
  const auth = (app as unknown as { emailPasswordAuth?: EmailPasswordLike }).emailPasswordAuth;
  return auth && typeof auth.registerUser === "function" ? auth : null;
}

/** `app.mode` (the runtime mode), or null if the App does not report one. */
export function modeOf(app: App): string | null {
  const mode = (app as unknown as { mode?: unknown }).mode;
  return typeof mode === "string" ? mode : null;
}
