/**
 * The global `Realm` namespace of realm-web 2.0.1's types, answered by realm-tabs' own types, so
 * application code typed against `Realm.User`, `Realm.Services.MongoDB.MongoDBCollection<T>`,
 * `Realm.Auth.EmailPasswordAuth` and the like compiles when only the import changes.
 *
 * It is a global declaration (a script, not a module) that `src/index.ts` references, so a program
 * that imports `realm-tabs` sees it, as a program that imports `realm-web` sees realm-web's. The
 * values in it (`Realm.App`, `Realm.Credentials`, …) exist at run time only on a page that loads the
 * `<script>` build (`realm-tabs.iife.js`), which sets the global `Realm`; with modules, import them.
 *
 * A program that has both realm-web and realm-tabs in it sees two declarations of the same global
 * namespace; with `skipLibCheck` (the default of most setups) the first one wins silently.
 */

declare namespace Realm {
  // ---- the app, its users and credentials -------------------------------------------------------

  /** The realm-tabs `App`: the Realm SDK's `App` API backed by the shared session runtime. */
  type App<
    FunctionsFactoryType extends object = DefaultFunctionsFactory,
    CustomDataType extends object = Record<string, unknown>,
  > = import("../app.js").App<FunctionsFactoryType, CustomDataType>;
  /** The `App` class (a value only on a page that loaded the `<script>` build). */
  const App: typeof import("../app.js").App;

  /** Options of `new App(…)`. */
  type AppConfiguration = import("../config.js").AppConfiguration;
  /** realm-web's configuration of the app's own name and version (sent with logins). */
  interface LocalAppConfiguration {
    /** The name of the web app. */
    name?: string;
    /** The version of the web app. */
    version?: string;
  }
  /** An app listener (`app.addListener`). */
  type AppChangeCallback = () => void;

  /** Credentials to log in or link a user with one provider. */
  type Credentials<PayloadType extends Record<string, unknown> = Record<string, unknown>> =
    import("../credentials.js").Credentials<PayloadType>;
  /** The `Credentials` class (a value only on a page that loaded the `<script>` build). */
  const Credentials: typeof import("../credentials.js").Credentials;

  /** The payloads of each provider's credentials, as realm-web names them. */
  namespace Credentials {
    /** Anonymous credentials carry nothing. */
    type AnonymousPayload = Record<string, never>;
    /** Email/password credentials. */
    type EmailPasswordPayload = { username: string; password: string };
    /** API key credentials. */
    type ApiKeyPayload = { key: string };
    /** Custom function credentials: the function's argument. */
    type FunctionPayload = Record<string, unknown>;
    /** Custom JWT credentials. */
    type JWTPayload = { token: string };
    /** OAuth 2.0 redirect credentials. */
    type OAuth2RedirectPayload = { redirectUrl: string };
    /** Google credentials from an authorization code. */
    type GoogleAuthCodePayload = { authCode: string };
    /** Google credentials from an OpenID Connect id token. */
    type GoogleIdTokenPayload = { id_token: string };
    /** Either kind of Google credentials. */
    type GooglePayload = GoogleAuthCodePayload | GoogleIdTokenPayload;
    /** Facebook credentials. */
    type FacebookPayload = { accessToken: string };
    /** Sign in with Apple credentials. */
    type ApplePayload = { id_token: string };
  }

  /** An authentication provider's type, e.g. `local-userpass`. */
  type ProviderType = import("../protocol/snapshots.js").ProviderType;

  /** A user of the app, shared by every tab. */
  type User<
    FunctionsFactoryType extends object = DefaultFunctionsFactory,
    CustomDataType extends object = Record<string, unknown>,
    UserProfileDataType extends object = DefaultUserProfileData,
  > = import("../user.js").User<FunctionsFactoryType, CustomDataType, UserProfileDataType>;
  /** The `User` class (a value only on a page that loaded the `<script>` build). */
  const User: typeof import("../user.js").User;
  /** A user listener (`user.addListener`). */
  type UserChangeCallback = () => void;

  /** The state of a user: `UserState.Active` (also `UserState.LoggedIn`), `LoggedOut`, `Removed`. */
  type UserState = import("../protocol/snapshots.js").UserState;
  /** The `UserState` values (a value only on a page that loaded the `<script>` build). */
  const UserState: typeof import("../protocol/snapshots.js").UserState;
  /** The type of a user: `normal` or `server`. */
  type UserType = import("../protocol/snapshots.js").UserType;
  /** The `UserType` values (a value only on a page that loaded the `<script>` build). */
  const UserType: typeof import("../protocol/snapshots.js").UserType;
  /** One identity of a user at one auth provider. */
  type UserIdentity = import("../protocol/snapshots.js").UserIdentity;
  /** The profile fields App Services may send. */
  type DefaultUserProfileData = import("../user.js").DefaultUserProfileData;

  /** A remote function as a method of `user.functions`. */
  type RealmFunction<R, A extends unknown[]> = (...args: A) => Promise<R>;
  /** The reserved members of `user.functions`: `callFunction` and `callFunctionStreaming`. */
  type BaseFunctionsFactory = import("../functions.js").BaseFunctionsFactory;
  /** `user.functions` without a declared interface: any name, results usable without a cast. */
  type DefaultFunctionsFactory = import("../functions.js").DefaultFunctionsFactory;

  /** The BSON library (bson 7) realm-tabs reads and writes values with. */
  const BSON: typeof import("bson");
  /** Types of the BSON library's classes. */
  namespace BSON {
    type ObjectId = import("bson").ObjectId;
    type Decimal128 = import("bson").Decimal128;
    type UUID = import("bson").UUID;
    type Binary = import("bson").Binary;
    type Long = import("bson").Long;
    type Timestamp = import("bson").Timestamp;
  }

  // ---- services ---------------------------------------------------------------------------------

  /** The services of an app bound to a user. realm-tabs has the MongoDB service (no HTTP service). */
  interface Services {
    /** The MongoDB service of that name. */
    mongodb(serviceName?: string): Services.MongoDB;
  }

  namespace Services {
    /** `user.mongoClient(serviceName)`: reaches the databases of one MongoDB service. */
    type MongoDB = import("../mongo.js").MongoDBClient;
    /** One database of a MongoDB service. */
    type MongoDBDatabase = import("../mongo.js").MongoDBDatabase;

    /** realm-web's push service client; `user.push()` throws `not-supported` in both SDKs. */
    interface Push {
      /** Registers this device's Firebase Cloud Messaging token with the user. */
      register(token: string): Promise<void>;
      /** Deregisters this device. */
      deregister(): Promise<void>;
    }

    namespace MongoDB {
      /** A document with an `_id` of type `IdType`. */
      interface Document<IdType = unknown> {
        _id: IdType;
      }
      /** A document to insert: `_id` may be left out. */
      type NewDocument<T> = import("../mongo.js").NewDocument<T>;
      /** One collection, its documents of type `T`. */
      type MongoDBCollection<T = import("../mongo.js").Document> = import("../mongo.js").MongoDBCollection<T>;

      /** Options of `findOne`. */
      type FindOneOptions = import("../mongo.js").FindOneOptions;
      /** Options of `find`. */
      type FindOptions = import("../mongo.js").FindOptions;
      /** Options of `findOneAndUpdate`, `findOneAndReplace` and `findOneAndDelete`. */
      type FindOneAndModifyOptions = import("../mongo.js").FindOneAndModifyOptions;
      /** Options of `count`. */
      interface CountOptions {
        /** The largest count to return. */
        limit?: number;
      }
      /** Options of `updateOne` and `updateMany`. */
      type UpdateOptions = import("../mongo.js").UpdateOptions;

      /** The result of `insertOne`. */
      type InsertOneResult<IdType> = import("../mongo.js").InsertOneResult<IdType>;
      /** The result of `insertMany`. */
      type InsertManyResult<IdType> = import("../mongo.js").InsertManyResult<IdType>;
      /** The result of `deleteOne` and `deleteMany`. */
      type DeleteResult = import("../mongo.js").DeleteResult;
      /** The result of `updateOne` and `updateMany`. */
      type UpdateResult<IdType> = import("../mongo.js").UpdateResult<IdType>;

      /** A query. */
      type Filter = import("../mongo.js").Filter;
      /** An update document or pipeline. */
      type Update = import("../mongo.js").Update;
      /** One stage of an aggregation pipeline. */
      type AggregatePipelineStage = Record<string, unknown>;

      /** What happened in a change event. */
      type OperationType = "insert" | "delete" | "replace" | "update" | "drop" | "rename" | "dropDatabase" | "invalidate";
      /** The database and collection of a change event. */
      type DocumentNamespace = import("../changeEvents.js").ChangeNamespace;
      /** What an update changed. */
      type UpdateDescription = import("../changeEvents.js").UpdateDescription;
      /** The resume token of a change event. */
      type ChangeEventId = unknown;
      /** The `_id` (and shard key) of the changed document. */
      type DocumentKey<IdType> = import("../changeEvents.js").DocumentKey<IdType>;
      /** The fields every change event has. */
      type BaseChangeEvent<T extends OperationType> = import("../changeEvents.js").BaseChangeEvent<T>;
      /** A document was inserted. */
      type InsertEvent<T> = import("../changeEvents.js").InsertEvent<T>;
      /** A document was updated. */
      type UpdateEvent<T> = import("../changeEvents.js").UpdateEvent<T>;
      /** A document was replaced. */
      type ReplaceEvent<T> = import("../changeEvents.js").ReplaceEvent<T>;
      /** A document was deleted. */
      type DeleteEvent<T> = import("../changeEvents.js").DeleteEvent<T>;
      /** The collection was dropped. */
      type DropEvent = import("../changeEvents.js").DropEvent;
      /** The collection was renamed. */
      type RenameEvent = import("../changeEvents.js").RenameEvent;
      /** The database was dropped. */
      type DropDatabaseEvent = import("../changeEvents.js").DropDatabaseEvent;
      /** The stream was invalidated. */
      type InvalidateEvent = import("../changeEvents.js").InvalidateEvent;
      /** What `collection.watch()` yields, discriminated on `operationType`. */
      type ChangeEvent<T = Record<string, unknown>> = import("../changeEvents.js").ChangeEvent<T>;
    }
  }

  // ---- auth providers ---------------------------------------------------------------------------

  /** The auth provider clients of an app. */
  interface AuthProviders {
    /** `app.emailPasswordAuth`. */
    emailPassword: Auth.EmailPasswordAuth;
    /** `user.apiKeys`. */
    apiKey: Auth.ApiKeyAuth;
  }

  namespace Auth {
    /** The email/password provider client (`app.emailPasswordAuth`). */
    type EmailPasswordAuth = import("../emailPassword.js").EmailPasswordAuth;
    /** The API key provider client of a user (`user.apiKeys`). */
    type ApiKeyAuth = import("../apiKeys.js").ApiKeyAuth;
    /** An API key as `fetch`/`fetchAll` return it; `key` only in what `create` returns. */
    type ApiKey = import("../apiKeys.js").ApiKey & { key?: string };

    /** Argument of `registerUser`. */
    interface RegisterUserDetails {
      email: string;
      password: string;
    }
    /** Argument of `confirmUser`. */
    interface ConfirmUserDetails {
      token: string;
      tokenId: string;
    }
    /** Argument of `resendConfirmationEmail`. */
    interface ResendConfirmationDetails {
      email: string;
    }
    /** Argument of `retryCustomConfirmation`. */
    interface RetryCustomConfirmationDetails {
      email: string;
    }
    /** Argument of `resetPassword`. */
    interface ResetPasswordDetails {
      token: string;
      tokenId: string;
      password: string;
    }
    /** Argument of `sendResetPasswordEmail`. */
    interface SendResetPasswordDetails {
      email: string;
    }
    /** First argument of `callResetPasswordFunction`. */
    interface CallResetPasswordFunctionDetails {
      email: string;
      password: string;
    }
  }
}
