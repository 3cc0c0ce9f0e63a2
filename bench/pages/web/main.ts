/**
 * realm-web 2.0.1 benchmark page: `?server=<url>&app=<id>` creates a `Realm.App` and puts the
 * {@link BenchPage} handle on `window.bench`. realm-web has no user listeners ("Not yet
 * implemented"), so the logout probe polls `isLoggedIn` and the token probe polls `accessToken`.
 */
import * as Realm from "realm-web";
import type { BenchPage, PayloadKind } from "../contract.js";
import { epochNow, makePayload, makeTicker, makeWatcher, timeCalls } from "../payload.js";

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");
const app = new Realm.App({ id: params.get("app") ?? "", baseUrl: params.get("server") ?? "" });
const attachMs = app.currentUser ? performance.now() : null;
const payloads = { small: makePayload(Realm.BSON, "small"), large: makePayload(Realm.BSON, "large") };
const echo = (kind: PayloadKind): Promise<unknown> => {
  const user = app.currentUser;
  if (!user) return Promise.reject(new Error("no current user"));
  return user.functions.echo!(payloads[kind]);
};
const ticker = makeTicker(() => echo("small"));
let seenAt: number | null = null;
let probe: ReturnType<typeof setInterval> | undefined;
let tokenSeen: number | null = null;
let tokenProbe: ReturnType<typeof setInterval> | undefined;
const watcher = makeWatcher();
const collection = () => {
  const user = app.currentUser;
  if (!user) throw new Error("no current user");
  return user.mongoClient("mongodb-atlas").db("bench").collection("items");
};

const bench: BenchPage = {
  lib: "realm-web",
  attachMs,
  readyMs: attachMs,
  ready: true,
  login: async () => (await app.logIn(Realm.Credentials.anonymous())).id,
  currentUserId: () => app.currentUser?.id ?? null,
  isLoggedIn: (id) => app.allUsers[id]?.isLoggedIn ?? false,
  logout: async () => {
    const at = epochNow();
    await app.currentUser?.logOut();
    return at;
  },
  armLogoutProbe: (id) => {
    seenAt = null;
    clearInterval(probe);
    probe = setInterval(() => {
      if (seenAt === null && !(app.allUsers[id]?.isLoggedIn ?? false)) seenAt = epochNow();
    }, 5);
  },
  logoutSeenAt: () => seenAt,
  refreshToken: async () => {
    const at = epochNow();
    await app.currentUser?.refreshAccessToken();
    return at;
  },
  armTokenProbe: (id) => {
    tokenSeen = null;
    clearInterval(tokenProbe);
    const before = app.allUsers[id]?.accessToken;
    tokenProbe = setInterval(() => {
      if (tokenSeen === null && app.allUsers[id]?.accessToken !== before) tokenSeen = epochNow();
    }, 5);
  },
  tokenSeenAt: () => tokenSeen,
  echo: (kind, count) => timeCalls(count, () => echo(kind)),
  payloadBytes: (kind) => Realm.BSON.EJSON.stringify(payloads[kind] as Realm.BSON.Document, { relaxed: false }).length,
  startTicker: (ms) => ticker.start(ms),
  stopTicker: () => ticker.stop(),
  watchStart: () => {
    watcher.start(collection().watch());
    return true;
  },
  watchStats: () => watcher.stats(),
  watchStop: () => watcher.stop(),
  insert: async (count) => {
    for (let i = 0; i < count; i += 1) await collection().insertOne({ at: epochNow() });
  },
};
window.bench = bench;
if (status) status.textContent = "ready";
