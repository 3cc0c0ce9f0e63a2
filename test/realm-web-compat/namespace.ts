// Application code typed with realm-web 2.0.1's global `Realm` namespace (`Realm.User`,
// `Realm.Services.MongoDB.…`, `Realm.Auth.…`), which importing the package brings in; only the
// module name in the import differs.
import { App, Credentials, BSON } from "realm-tabs";

interface Todo extends Realm.Services.MongoDB.Document<BSON.ObjectId> {
  text: string;
  done: boolean;
}

interface MyFunctions extends Realm.BaseFunctionsFactory {
  sum: Realm.RealmFunction<number, [number, number]>;
}

const app: Realm.App = new App({ id: "todo-app" });
const settings: Realm.AppConfiguration = { id: "todo-app", app: { name: "todos" } };
const local: Realm.LocalAppConfiguration = { version: "1" };
const onApp: Realm.AppChangeCallback = () => console.log(app.currentUser?.id);
app.addListener(onApp);

export function todos(user: Realm.User): Realm.Services.MongoDB.MongoDBCollection<Todo> {
  const client: Realm.Services.MongoDB = user.mongoClient("mongodb-atlas");
  const db: Realm.Services.MongoDBDatabase = client.db("app");
  return db.collection<Todo>("todos");
}

export async function crud(user: Realm.User): Promise<BSON.ObjectId> {
  const collection = todos(user);
  const draft: Realm.Services.MongoDB.NewDocument<Todo> = { text: "t", done: false };
  const inserted: Realm.Services.MongoDB.InsertOneResult<Todo["_id"]> = await collection.insertOne(draft);
  const many: Realm.Services.MongoDB.InsertManyResult<BSON.ObjectId> = await collection.insertMany([draft]);
  const filter: Realm.Services.MongoDB.Filter = { done: false };
  const update: Realm.Services.MongoDB.Update = { $set: { done: true } };
  const options: Realm.Services.MongoDB.UpdateOptions = { upsert: false };
  const updated: Realm.Services.MongoDB.UpdateResult<BSON.ObjectId> = await collection.updateMany(filter, update, options);
  const found: Todo[] = await collection.find(filter, { limit: 10 } satisfies Realm.Services.MongoDB.FindOptions);
  const one: Todo | null = await collection.findOne(filter, {} satisfies Realm.Services.MongoDB.FindOneOptions);
  const modify: Realm.Services.MongoDB.FindOneAndModifyOptions = { returnNewDocument: true };
  const after: Todo | null = await collection.findOneAndUpdate(filter, update, modify);
  const stages: Realm.Services.MongoDB.AggregatePipelineStage[] = [{ $match: filter }];
  const grouped = await collection.aggregate(stages);
  const deleted: Realm.Services.MongoDB.DeleteResult = await collection.deleteMany(filter);
  console.log(many.insertedIds.length, updated.upsertedId, found, one?.text, after?.done, grouped, deleted.deletedCount);
  return inserted.insertedId;
}

function describe(change: Realm.Services.MongoDB.ChangeEvent<Todo>): string {
  const op: Realm.Services.MongoDB.OperationType = change.operationType;
  switch (change.operationType) {
    case "insert": {
      const event: Realm.Services.MongoDB.InsertEvent<Todo> = change;
      const key: Realm.Services.MongoDB.DocumentKey<BSON.ObjectId> = event.documentKey;
      const ns: Realm.Services.MongoDB.DocumentNamespace = event.ns;
      return `${op} ${event.fullDocument.text} ${key._id.toHexString()} ${ns.db}.${ns.coll}`;
    }
    case "update": {
      const event: Realm.Services.MongoDB.UpdateEvent<Todo> = change;
      const description: Realm.Services.MongoDB.UpdateDescription = event.updateDescription;
      return `${op} ${Object.keys(description.updatedFields).join()} ${description.removedFields.join()}`;
    }
    case "replace": {
      const event: Realm.Services.MongoDB.ReplaceEvent<Todo> = change;
      return event.fullDocument.text;
    }
    case "delete": {
      const event: Realm.Services.MongoDB.DeleteEvent<Todo> = change;
      return event.documentKey._id.toHexString();
    }
    case "rename": {
      const event: Realm.Services.MongoDB.RenameEvent = change;
      return event.to.coll;
    }
    default: {
      const rest: Realm.Services.MongoDB.DropEvent | Realm.Services.MongoDB.DropDatabaseEvent | Realm.Services.MongoDB.InvalidateEvent =
        change;
      return rest.operationType;
    }
  }
}

export async function watch(user: Realm.User): Promise<string[]> {
  const seen: string[] = [];
  for await (const change of todos(user).watch()) {
    seen.push(describe(change));
    if (seen.length > 2) break;
  }
  return seen;
}

export async function auth(user: Realm.User<MyFunctions>): Promise<number> {
  const emailPassword: Realm.Auth.EmailPasswordAuth = app.emailPasswordAuth;
  const details: Realm.Auth.RegisterUserDetails = { email: "ann@example.com", password: "secret123" };
  await emailPassword.registerUser(details);
  const confirm: Realm.Auth.ConfirmUserDetails = { token: "t", tokenId: "i" };
  await emailPassword.confirmUser(confirm);
  const resend: Realm.Auth.ResendConfirmationDetails = { email: details.email };
  await emailPassword.resendConfirmationEmail(resend);
  const reset: Realm.Auth.ResetPasswordDetails = { token: "t", tokenId: "i", password: "new-secret" };
  await emailPassword.resetPassword(reset);
  const send: Realm.Auth.SendResetPasswordDetails = { email: details.email };
  await emailPassword.sendResetPasswordEmail(send);
  const viaFunction: Realm.Auth.CallResetPasswordFunctionDetails = { email: details.email, password: "p" };
  await emailPassword.callResetPasswordFunction(viaFunction, "extra");
  const providers: Realm.AuthProviders = { emailPassword, apiKey: user.apiKeys };
  const keys: Realm.Auth.ApiKeyAuth = providers.apiKey;
  const created: Realm.Auth.ApiKey = await keys.create("ci");
  const all: Realm.Auth.ApiKey[] = await keys.fetchAll();
  console.log(created.key, all.length);
  const credentials: Realm.Credentials<Realm.Credentials.EmailPasswordPayload> = Credentials.emailPassword(details.email, details.password);
  const anonymous: Realm.Credentials<Realm.Credentials.AnonymousPayload> = Credentials.anonymous();
  const jwt: Realm.Credentials<Realm.Credentials.JWTPayload> = Credentials.jwt("a.b.c");
  const key: Realm.Credentials<Realm.Credentials.ApiKeyPayload> = Credentials.apiKey("k");
  const fn: Realm.Credentials<Realm.Credentials.FunctionPayload> = Credentials.function({ username: "ann" });
  console.log(credentials.providerType, anonymous.payload, jwt.payload.token, key.payload.key, fn.payload);
  return user.functions.sum(1, 2);
}

export function describeUser(user: Realm.User): string {
  const state: Realm.UserState = user.state;
  const provider: Realm.ProviderType = user.providerType;
  const identities: Realm.UserIdentity[] = user.identities;
  const profile: Realm.DefaultUserProfileData = user.profile;
  const functions: Realm.DefaultFunctionsFactory = user.functions;
  const base: Realm.BaseFunctionsFactory = functions;
  const onChange: Realm.UserChangeCallback = () => console.log(user.id);
  user.addListener(onChange);
  const type: Realm.UserType = "normal";
  const id: Realm.BSON.ObjectId = new BSON.ObjectId();
  console.log(settings.id, local.version, base, type, id.toHexString());
  return `${state} ${provider} ${identities.length} ${profile.email ?? ""}`;
}
