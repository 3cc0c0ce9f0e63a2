/**
 * realm-tabs benchmark page: `?server=<url>&app=<id>` creates an App and puts the
 * {@link BenchPage} handle on `window.bench`. The probe page (pages/probe/) runs the same with its
 * own worker.
 */
// by name: Vite resolves it to the built package (dist/, which the run builds first), as an app
// that installed it does; TypeScript to the sources (tsconfig.json `paths`)
import { App, BSON, Credentials, type AppConfiguration } from "realm-tabs";
import type { BenchPage, PayloadKind } from "../contract.js";
import { epochNow, makePayload, makeTicker, makeWatcher, timeCalls } from "../payload.js";

/** Starts the page: an App with `options` (e.g. another worker) and `window.bench` over it. */
export function startTabsBench(options: Pick<AppConfiguration, "worker"> = {}): void {
  const params = new URLSearchParams(location.search);
  const status = document.getElementById("status");
  const app = new App({ id: params.get("app") ?? "", baseUrl: params.get("server") ?? "", timeoutMs: 30_000, ...options });
  // realm-web's idiom works: the last known state is there synchronously, before the runtime answers
  const attachMs = app.currentUser ? performance.now() : null;
  const payloads = { small: makePayload(BSON, "small"), large: makePayload(BSON, "large") };
  const echo = (kind: PayloadKind): Promise<unknown> => {
    const user = app.currentUser;
    if (!user) return Promise.reject(new Error("no current user"));
    return user.functions.echo!(payloads[kind]);
  };
  const ticker = makeTicker(() => echo("small"));
  let seenAt: number | null = null;
  let tokenSeen: number | null = null;
  let tokenUser: { removeListener(l: () => void): void } | null = null;
  let tokenListener: (() => void) | null = null;
  const watcher = makeWatcher();

  /** The collection API the watch benchmark uses (realm-tabs' `user.mongoClient`, when it exists). */
  interface BenchCollection {
    watch(): AsyncGenerator<unknown>;
    insertOne(doc: Record<string, unknown>): Promise<unknown>;
  }
  type MongoUser = { mongoClient?: (service: string) => { db(name: string): { collection(name: string): BenchCollection } } };
  const collection = (): BenchCollection | null => {
    const user = app.currentUser as unknown as MongoUser | null;
    return typeof user?.mongoClient === "function" ? user.mongoClient("mongodb-atlas").db("bench").collection("items") : null;
  };

  const bench: BenchPage = {
    lib: "realm-tabs",
    attachMs,
    readyMs: null,
    ready: false,
    login: async () => (await app.logIn(Credentials.anonymous(false))).id,
    currentUserId: () => app.currentUser?.id ?? null,
    isLoggedIn: (id) => app.allUsers[id]?.isLoggedIn ?? false,
    logout: async () => {
      const at = epochNow();
      await app.currentUser?.logOut();
      return at;
    },
    armLogoutProbe: (id) => {
      seenAt = null;
      const user = app.allUsers[id];
      user?.addListener(() => {
        if (seenAt === null && !user.isLoggedIn) seenAt = epochNow();
      });
    },
    logoutSeenAt: () => seenAt,
    refreshToken: async () => {
      const at = epochNow();
      await app.currentUser?.refreshAccessToken();
      return at;
    },
    armTokenProbe: (id) => {
      tokenSeen = null;
      const user = app.allUsers[id];
      if (tokenListener) tokenUser?.removeListener(tokenListener);
      if (!user) return;
      const before = user.accessToken;
      tokenUser = user;
      tokenListener = () => {
        if (tokenSeen === null && user.accessToken !== before) tokenSeen = epochNow();
      };
      user.addListener(tokenListener);
    },
    tokenSeenAt: () => tokenSeen,
    echo: (kind, count) => timeCalls(count, () => echo(kind)),
    payloadBytes: (kind) => BSON.EJSON.stringify(payloads[kind], { relaxed: false }).length,
    startTicker: (ms) => ticker.start(ms),
    stopTicker: () => ticker.stop(),
    watchStart: () => {
      const c = collection();
      if (c) watcher.start(c.watch());
      return c !== null;
    },
    watchStats: () => watcher.stats(),
    watchStop: () => watcher.stop(),
    insert: async (count) => {
      const c = collection();
      if (!c) throw new Error("realm-tabs has no user.mongoClient in this build");
      for (let i = 0; i < count; i += 1) await c.insertOne({ at: epochNow() });
    },
  };
  window.bench = bench;
  app.ready.then(
    () => {
      if (app.currentUser) {
        bench.readyMs = performance.now();
        bench.attachMs ??= bench.readyMs;
      }
      bench.ready = true;
      if (status) status.textContent = "ready";
    },
    (error: unknown) => {
      if (status) status.textContent = `failed: ${String(error)}`;
    },
  );
}
