// Application code written against realm-web 2.0.1; only the module name in the import differs.
import * as Realm from "realm-tabs";
import { App, Credentials, BSON, UserState, getApp, handleAuthRedirect } from "realm-tabs";

interface Todo {
  _id: BSON.ObjectId;
  text: string;
  done: boolean;
}

const app = new App({ id: "todo-app", baseUrl: "http://127.0.0.1:8787", app: { version: "1.0.0" }, skipLocationRequest: true });
const same: App = getApp("todo-app");

export async function start(): Promise<Realm.User> {
  const user = app.currentUser ?? (await app.logIn(Credentials.anonymous(), true));
  if (user.state === UserState.Active) console.log(user.id, user.accessToken, user.profile.email, same.id);
  const viaStatic = await app.logIn(App.Credentials.emailPassword("ann@example.com", "secret123"));
  app.switchUser(user); // realm-web returns nothing to await
  console.log(user.app.id === app.id, viaStatic.id);
  return user;
}

export async function functions(user: Realm.User): Promise<number> {
  const sum: number = await user.functions.sum(1, 2); // realm-web: results usable without a cast
  const viaName: number = await user.functions.callFunction("sum", 3, 4);
  const typed = await user.callFunction<{ total: number }>("total");
  const [first] = await user.functions.list();
  console.log(first);
  return sum + viaName + typed.total;
}

export async function mongo(user: Realm.User): Promise<BSON.ObjectId> {
  const todos = user.mongoClient("mongodb-atlas").db("app").collection<Todo>("todos");
  const { insertedId } = await todos.insertOne({ text: "write code", done: false }); // _id optional
  const { insertedIds } = await todos.insertMany([
    { text: "a", done: false },
    { _id: new BSON.ObjectId(), text: "b", done: true },
  ]);
  const open: Todo[] = await todos.find({ done: false });
  const one: Todo | null = await todos.findOneAndReplace({ _id: insertedId }, { text: "rewritten", done: false });
  const { upsertedId } = await todos.updateOne({ text: "x" }, { $set: { done: true } }, { upsert: true });
  const counts = await todos.aggregate([{ $group: { _id: "$done", n: { $sum: 1 } } }]);
  console.log(open.length, one?.text, upsertedId?.toHexString(), insertedIds[0]?.toHexString(), counts[0].n);
  for await (const change of todos.watch()) {
    if (change.operationType === "insert") console.log(change.fullDocument.text, change.documentKey._id.toHexString());
    else if (change.operationType === "update") console.log(change.updateDescription.updatedFields, change.fullDocument?.done);
    else if (change.operationType === "delete") console.log(change.documentKey._id.toHexString());
    break;
  }
  return insertedId;
}

export async function untyped(user: Realm.User): Promise<string> {
  // no document type: realm-web types the documents as any
  const items = user.mongoClient("mongodb-atlas").db("app").collection("items");
  const item = await items.findOne({ name: "a" });
  const all = await items.find();
  const { insertedId } = await items.insertOne({ name: "b" });
  const id: BSON.ObjectId = insertedId;
  return item.name.toUpperCase() + all[0].title + id.toHexString();
}

export async function apiKeys(user: Realm.User): Promise<string> {
  const key = await user.apiKeys.create("ci");
  const all = await user.apiKeys.fetchAll();
  await user.apiKeys.disable(key._id);
  const id: string = all[0]._id;
  await app.logIn(Credentials.apiKey(key.key));
  return id;
}

export async function emailPassword(): Promise<void> {
  await app.emailPasswordAuth.registerUser({ email: "ann@example.com", password: "secret123" });
  await app.emailPasswordAuth.confirmUser({ token: "t", tokenId: "i" });
  await app.emailPasswordAuth.sendResetPasswordEmail({ email: "ann@example.com" });
}

export function redirectPage(): void {
  handleAuthRedirect();
}

export function pushIsThere(user: Realm.User): void {
  try {
    user.push();
  } catch (e) {
    console.log(e instanceof Error && e.message);
  }
}
