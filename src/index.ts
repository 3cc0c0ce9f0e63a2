/**
 * realm-tabs: one signed-in App Services session for every tab. The Realm SDK's `App` and `User`
 * API, backed by a SharedWorker that owns the users, tokens and refresh loop.
 * @packageDocumentation
 * @module realm-tabs
 */
// realm-web's global `Realm` namespace: a declaration script with nothing to import, kept in index.d.ts
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./compat/realm-namespace.d.ts" preserve="true" />
export { App, getApp } from "./app.js";
export type { AppConfiguration } from "./config.js";
export { DEFAULT_BASE_URL } from "./config.js";
export { LocalStorage } from "./compat/storage.js";
export type { Storage, StorageChangeListener } from "./compat/storage.js";
export { getEnvironment, setEnvironment, handleAuthRedirect } from "./compat/environment.js";
export type { Environment } from "./compat/environment.js";
export { Credentials } from "./credentials.js";
export type { CredentialsPayload, GoogleOptions } from "./credentials.js";
export { User } from "./user.js";
export type { MigrationOptions } from "./app.js";
export { MongoDBClient, MongoDBDatabase, MongoDBCollection } from "./mongo.js";
export type {
  Document,
  Filter,
  Update,
  FindOptions,
  FindOneOptions,
  FindOneAndModifyOptions,
  UpdateOptions,
  InsertOneResult,
  InsertManyResult,
  UpdateResult,
  DeleteResult,
  WatchOptions,
} from "./mongo.js";
export type { ChangeEvent } from "./watch.js";
export type { NewDocument } from "./mongo.js";
export type {
  IdOf,
  InsertEvent,
  UpdateEvent,
  ReplaceEvent,
  DeleteEvent,
  DropEvent,
  RenameEvent,
  DropDatabaseEvent,
  InvalidateEvent,
  UpdateDescription,
  DocumentKey,
  ChangeNamespace,
} from "./changeEvents.js";
export { ApiKeyAuth } from "./apiKeys.js";
export type { ApiKey, SecretApiKey } from "./apiKeys.js";
export { EmailPasswordAuth } from "./emailPassword.js";
export type { DefaultCustomData, DefaultUserProfileData, UserJSON, UserProfileJSON } from "./user.js";
export type { DefaultFunctionsFactory, BaseFunctionsFactory } from "./functions.js";
export type { Listener } from "./listeners.js";
export type { WorkerFactory, PortLike } from "./connection.js";
export type { RuntimeStats } from "./protocol/rpc.js";
export type { RuntimeMode, ModeOption } from "./modes/select.js";
export type { StatusEventMap, StatusEventType, StatusListener, OutdatedEvent, DegradedEvent, LeaderChangedEvent } from "./modes/events.js";
export { ProviderType, UserState, UserType } from "./protocol/snapshots.js";
export type { UserIdentity } from "./protocol/snapshots.js";
export { MongoDBRealmError, RealmTabsError, WatchError } from "./protocol/errors.js";
export { isMongoDBRealmError, isRealmTabsError, isWatchError } from "./protocol/encodeError.js";
export type { RealmTabsErrorCode } from "./protocol/errors.js";
export * as BSON from "bson";
