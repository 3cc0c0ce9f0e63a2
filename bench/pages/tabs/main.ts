/**
 * realm-tabs benchmark page: `?server=<url>&app=<id>` creates an App and puts the
 * {@link BenchPage} handle on `window.bench`.
 */
import { App, BSON, Credentials } from "../../../src/index.js";
import type { BenchPage, PayloadKind } from "../contract.js";
import { epochNow, makePayload, makeTicker, timeCalls } from "../payload.js";

const params = new URLSearchParams(location.search);
const status = document.getElementById("status");
const app = new App({ id: params.get("app") ?? "", baseUrl: params.get("server") ?? "", timeoutMs: 30_000 });
const payloads = { small: makePayload(BSON, "small"), large: makePayload(BSON, "large") };
const echo = (kind: PayloadKind): Promise<unknown> => {
  const user = app.currentUser;
  if (!user) return Promise.reject(new Error("no current user"));
  return user.functions.echo!(payloads[kind]);
};
const ticker = makeTicker(() => echo("small"));
let seenAt: number | null = null;

const bench: BenchPage = {
  lib: "realm-tabs",
  attachMs: null,
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
  echo: (kind, count) => timeCalls(count, () => echo(kind)),
  payloadBytes: (kind) => BSON.EJSON.stringify(payloads[kind], { relaxed: false }).length,
  startTicker: (ms) => ticker.start(ms),
  stopTicker: () => ticker.stop(),
};
window.bench = bench;
app.ready.then(
  () => {
    if (app.currentUser) bench.attachMs = performance.now();
    bench.ready = true;
    if (status) status.textContent = "ready";
  },
  (error: unknown) => {
    if (status) status.textContent = `failed: ${String(error)}`;
  },
);
