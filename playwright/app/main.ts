/**
 * The page the cross-tab tests drive: `?server=<url>&app=<id>` creates an App and exposes it on
 * `window.realmTabs` (see src/testing/page.ts for the shape tests read).
 */
import { App, BSON, Credentials } from "../../src/index.js";
import type { AppConfiguration } from "../../src/config.js";
import { installTestPage } from "../../src/testing/page.js";

const params = new URLSearchParams(location.search);
const server = params.get("server");
const appId = params.get("app");
const status = document.getElementById("status");
if (!server || !appId) {
  if (status) status.textContent = "missing ?server=<url>&app=<id>";
} else {
  // ?mode=auto|shared-worker|leader|in-page picks the runtime mode; ?build=B runs a second "build"
  // (another build id and its own SharedWorker name, i.e. a second runtime on the same IndexedDB).
  const mode = (params.get("mode") ?? undefined) as AppConfiguration["mode"];
  const build = params.get("build");
  const app = new App({
    id: appId,
    baseUrl: server,
    timeoutMs: Number(params.get("timeoutMs") ?? 15_000),
    ...(mode ? { mode } : {}),
    ...(params.get("migrate") === "0" ? { migrateFromRealmWeb: false } : {}), // ?migrate=0: leave realm-web's keys alone
    ...(params.get("exposeRefreshToken") === "1" ? { exposeRefreshToken: true } : {}), // ?exposeRefreshToken=1: this tab opts in
    ...(build
      ? {
          buildId: `build-${build}`,
          worker: () =>
            new SharedWorker(new URL("../../worker/entry.ts", import.meta.url), { type: "module", name: `realm-tabs-${build}` }),
        }
      : {}),
  });
  // what a realm-web page sees on the line after `new App`: the synchronous start's state
  (window as { realmTabsAtStart?: unknown }).realmTabsAtStart = {
    currentUserId: app.currentUser?.id ?? null,
    userIds: Object.keys(app.allUsers),
  };
  // ?loginAtOnce=1: the realm-web idiom on the line after `new App`, its user's id on window.realmTabsLoginAtOnce
  if (params.get("loginAtOnce") === "1") {
    const holder = window as { realmTabsLoginAtOnce?: string | { error: string } };
    (app.currentUser ? Promise.resolve(app.currentUser) : app.logIn(Credentials.anonymous())).then(
      (user) => (holder.realmTabsLoginAtOnce = user.id),
      (error: unknown) => (holder.realmTabsLoginAtOnce = { error: String(error) }),
    );
  }
  installTestPage(app, { Credentials, BSON });
  app.ready.then(
    () => {
      if (status) status.textContent = "ready";
    },
    (error: unknown) => {
      if (status) status.textContent = `failed: ${String(error)}`;
    },
  );
}
