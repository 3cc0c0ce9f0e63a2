/**
 * An application written against realm-web 2.0.1, as its authors would write it: it imports
 * "realm-web" (type-checked against realm-web's own types by the repository's type check) and runs
 * on realm-tabs only because this folder's vite.config.ts resolves that name to realm-tabs. The
 * Playwright test (playwright/realm-web-app.spec.ts) drives its steps in every runtime mode.
 * `?server=<url>&app=<id>` names the backend.
 */
import * as Realm from "realm-web";

interface Todo {
  _id: Realm.BSON.ObjectId;
  text: string;
  done: boolean;
}

const params = new URLSearchParams(location.search);
const app = new Realm.App({ id: params.get("app") ?? "", baseUrl: params.get("server") ?? undefined });

// What the page renders before anything is awaited: realm-web restores its users in the constructor.
const atLoad = {
  currentUserId: app.currentUser?.id ?? null,
  userIds: Object.keys(app.allUsers),
  loggedIn: app.currentUser?.isLoggedIn ?? false,
  active: app.currentUser?.state === Realm.UserState.Active,
  hasAccessToken: typeof app.currentUser?.accessToken === "string",
  providerType: app.currentUser?.providerType ?? null,
};

function currentUser(): Realm.User {
  if (!app.currentUser) throw new Error("nobody is logged in");
  return app.currentUser;
}

function todos() {
  return currentUser().mongoClient("mongodb-atlas").db("todo").collection<Todo>("todos");
}

const steps = {
  atLoad: () => atLoad,

  /** The everyday idiom: the signed-in user, or a new anonymous one. */
  async start(): Promise<string> {
    const user = app.currentUser ?? (await app.logIn(Realm.Credentials.anonymous()));
    return user.id;
  },

  async logInAnonymously(): Promise<string> {
    return (await app.logIn(Realm.Credentials.anonymous())).id;
  },

  /** Switches and reads back on the very next line, as realm-web code does. */
  switchTo(id: string): { next: string | null; users: string[] } {
    const user = app.allUsers[id];
    if (!user) throw new Error(`no user ${id}`);
    app.switchUser(user);
    return { next: app.currentUser?.id ?? null, users: Object.keys(app.allUsers) };
  },

  async register(email: string, password: string): Promise<void> {
    await app.emailPasswordAuth.registerUser({ email, password });
  },
  async resendConfirmation(email: string): Promise<void> {
    await app.emailPasswordAuth.resendConfirmationEmail({ email });
  },
  async confirm(token: string, tokenId: string): Promise<void> {
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
  },
  async sendResetEmail(email: string): Promise<void> {
    await app.emailPasswordAuth.sendResetPasswordEmail({ email });
  },
  async resetPassword(token: string, tokenId: string, password: string): Promise<void> {
    await app.emailPasswordAuth.resetPassword({ token, tokenId, password });
  },
  /** Logs in with email/password; a failure is reported with its status code, as an app shows it. */
  async logInWithEmail(email: string, password: string): Promise<{ id: string; provider: string } | { statusCode: number | null }> {
    try {
      const user = await app.logIn(Realm.Credentials.emailPassword(email, password));
      return { id: user.id, provider: user.providerType };
    } catch (e) {
      return { statusCode: e instanceof Realm.MongoDBRealmError ? e.statusCode : null };
    }
  },

  async logInWithJwt(token: string): Promise<{ id: string; provider: string; name: unknown }> {
    const user = await app.logIn(Realm.Credentials.jwt(token));
    return { id: user.id, provider: user.providerType, name: user.profile.name };
  },

  async logInWithFunction(username: string): Promise<{ id: string; provider: string }> {
    const user = await app.logIn(Realm.Credentials.function({ username }));
    return { id: user.id, provider: user.providerType };
  },

  /**
   * The OAuth 2.0 redirect login: `logIn` opens the provider's login in a window, which ends on
   * `redirectUrl` (auth-redirect.html, calling `handleAuthRedirect()`); read back on the next line.
   */
  async logInWithGoogleRedirect(
    redirectUrl: string,
  ): Promise<{ id: string; provider: string; loggedIn: boolean; current: string | null; email: unknown; name: unknown }> {
    const user = await app.logIn(Realm.Credentials.google({ redirectUrl }));
    return {
      id: user.id,
      provider: user.providerType,
      loggedIn: user.isLoggedIn,
      current: app.currentUser?.id ?? null,
      email: user.profile.email,
      name: user.profile.name,
    };
  },

  /** What the page shows now: the current user and every user (the app's listeners keep a UI in step). */
  users(): { currentUserId: string | null; providerType: string | null; userIds: string[] } {
    return {
      currentUserId: app.currentUser?.id ?? null,
      providerType: app.currentUser?.providerType ?? null,
      userIds: Object.keys(app.allUsers),
    };
  },

  /**
   * Creates two API keys, logs in with one (the same user, in a new session), and disables, enables
   * and deletes the other (a session cannot disable the key it logged in with).
   */
  async apiKeys(): Promise<{ listed: string[]; keyUserId: string; provider: string; disabled: boolean; enabled: boolean; left: string[] }> {
    const owner = currentUser();
    const login = await owner.apiKeys.create("login");
    const spare = await owner.apiKeys.create("spare");
    const listed = (await owner.apiKeys.fetchAll()).map((k) => k.name).sort();
    const keyUser = await app.logIn(Realm.Credentials.apiKey(login.key ?? ""));
    await keyUser.apiKeys.disable(spare._id);
    const disabled = (await keyUser.apiKeys.fetch(spare._id))?.disabled ?? false;
    await keyUser.apiKeys.enable(spare._id);
    const enabled = (await keyUser.apiKeys.fetch(spare._id))?.disabled === false;
    await keyUser.apiKeys.delete(spare._id);
    const left = (await keyUser.apiKeys.fetchAll()).map((k) => k.name);
    return { listed, keyUserId: keyUser.id, provider: keyUser.providerType, disabled, enabled, left };
  },

  async functions(): Promise<{ direct: number; bound: number; viaUser: unknown; reserved: number; streaming: string }> {
    const user = currentUser();
    const direct = await user.functions.sum!(1, 2);
    const sum = user.functions.sum!; // the methods are bound
    const bound = await sum(3, 4);
    const viaUser = await user.callFunction("sum", 5, 6);
    // a reserved name: calls the function "sum", not a remote function called "callFunction"
    const reserved = await user.functions.callFunction("sum", 7, 8);
    let streaming: string;
    try {
      const stream = await user.functions.callFunctionStreaming("sum", 1, 1);
      const chunks: Uint8Array[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      streaming = `streamed ${chunks.length} chunks`;
    } catch (e) {
      streaming = e instanceof Error ? e.message : String(e);
    }
    return { direct, bound, viaUser, reserved, streaming };
  },

  async crud(): Promise<Record<string, unknown>> {
    const collection = todos();
    await collection.deleteMany({});
    const { insertedId } = await collection.insertOne({ text: "write code", done: false });
    const { insertedIds } = await collection.insertMany([
      { text: "test it", done: false },
      { text: "ship it", done: true },
    ]);
    const open = await collection.find({ done: false }, { sort: { text: 1 } });
    const one = await collection.findOne({ _id: insertedId });
    const updated = await collection.updateOne({ _id: insertedId }, { $set: { done: true } });
    const upserted = await collection.updateOne({ text: "new" }, { $set: { done: false } }, { upsert: true });
    const replaced = await collection.findOneAndReplace({ text: "new" }, { text: "newer", done: false }, { returnNewDocument: true });
    const counted = await collection.count({ done: true });
    const grouped: { _id: boolean; n: number }[] = await collection.aggregate([
      { $group: { _id: "$done", n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    const deleted = await collection.deleteOne({ _id: insertedIds[0] });
    return {
      insertedIsObjectId: insertedId instanceof Realm.BSON.ObjectId,
      insertedIds: insertedIds.length,
      open: open.map((t) => t.text),
      one: one?.text ?? null,
      modified: updated.modifiedCount,
      upserted: upserted.upsertedId !== undefined,
      replaced: replaced?.text ?? null,
      counted,
      grouped: grouped.map((g) => `${String(g._id)}:${g.n}`),
      deleted: deleted.deletedCount,
    };
  },

  /** Watches the collection, inserts a document, and returns the first change seen. */
  async watch(text: string): Promise<{ operationType: string; text: string | null; keyMatches: boolean }> {
    const collection = todos();
    const stream = collection.watch();
    const first = stream.next();
    // the stream may open after the insert is sent: insert until an event arrives
    let inserted: Realm.BSON.ObjectId | undefined;
    let settled = false;
    void first.finally(() => (settled = true));
    for (let attempt = 0; attempt < 50 && !settled; attempt += 1) {
      inserted = (await collection.insertOne({ text, done: false })).insertedId;
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    const { value } = await first;
    await stream.return(undefined);
    const change = value;
    if (!change || change.operationType !== "insert")
      return { operationType: change?.operationType ?? "none", text: null, keyMatches: false };
    return {
      operationType: change.operationType,
      text: change.fullDocument.text,
      keyMatches: inserted !== undefined && change.documentKey._id.equals(change.fullDocument._id),
    };
  },

  async logOut(): Promise<{ id: string; loggedOut: boolean; current: string | null }> {
    const user = currentUser();
    await user.logOut();
    return { id: user.id, loggedOut: user.state === Realm.UserState.LoggedOut && !user.isLoggedIn, current: app.currentUser?.id ?? null };
  },

  /** Not realm-web API: which runtime realm-tabs picked, for the test's own check ("realm-web" under realm-web). */
  runtimeMode: (): string => (app as unknown as { mode?: string | null }).mode ?? "realm-web",
};

/** What the test drives. */
export type RealmWebAppSteps = typeof steps;

(window as unknown as { realmWebApp: RealmWebAppSteps }).realmWebApp = steps;
const status = document.getElementById("status");
if (status) status.textContent = "loaded";
