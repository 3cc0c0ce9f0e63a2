/**
 * `realm-tabs/testing/page`, the browser side of the multi-tab test kit: puts an App on
 * `window.realmTabs` with a plain-data `view()` and listener counters, so tests can drive and read
 * every tab with `page.evaluate`. Import it from your test page (development or test builds only);
 * it imports nothing but realm-tabs itself.
 * @example
 * import { App, BSON, Credentials } from "realm-tabs";
 * import { installTestPage } from "realm-tabs/testing/page";
 *
 * const params = new URLSearchParams(location.search); // testPageUrl(…) puts them there
 * const app = new App({ id: params.get("app")!, baseUrl: params.get("server")! });
 * installTestPage(app, { Credentials, BSON });
 * @packageDocumentation
 */
import { App } from "../app.js";
import type { Credentials } from "../credentials.js";
import type { UserState } from "../protocol/snapshots.js";

/** One user as a tab sees it, as plain data. */
export interface TabUserView {
  id: string;
  state: UserState;
  isLoggedIn: boolean;
  accessToken: string | null;
  /** Null unless the app opted in to exposing refresh tokens. */
  refreshToken: string | null;
  providerType: string;
  customData: unknown;
  profile: unknown;
}

/** A tab's view of the session, as plain data. */
export interface TabView {
  currentUserId: string | null;
  /** In `allUsers` order (most recent first). */
  users: TabUserView[];
}

/** Listener firings counted in one tab since {@link TestPageHandle.listen}. */
export interface ListenerCounts {
  app: number;
  users: Record<string, number>;
}

/** What the test page exposes on `window.realmTabs`. */
export interface TestPageHandle {
  app: App;
  /** The App class, to build other apps in the page (e.g. with a custom worker). */
  App: typeof App;
  Credentials: typeof Credentials;
  BSON: typeof import("bson");
  /** The tab's view of the session. */
  view(): TabView;
  /** Adds a counting listener to the app and to every user listed now. */
  listen(): void;
  /** The counts of the listeners added by {@link TestPageHandle.listen}. */
  counts: ListenerCounts;
}

declare global {
  interface Window {
    /** Set by the realm-tabs test page. */
    realmTabs?: TestPageHandle;
  }
}

/** Builds the plain-data view of an app. */
export function viewOf(app: App): TabView {
  return {
    currentUserId: app.currentUser?.id ?? null,
    users: Object.values(app.allUsers).map((u) => ({
      id: u.id,
      state: u.state,
      isLoggedIn: u.isLoggedIn,
      accessToken: u.accessToken,
      refreshToken: u.refreshToken,
      providerType: u.providerType,
      customData: JSON.parse(JSON.stringify(u.customData)) as unknown,
      profile: u.profile,
    })),
  };
}

/** Installs `window.realmTabs` for `app`. */
export function installTestPage(app: App, classes: { Credentials: typeof Credentials; BSON: typeof import("bson") }): TestPageHandle {
  const counts: ListenerCounts = { app: 0, users: {} };
  const handle: TestPageHandle = {
    app,
    App,
    ...classes,
    counts,
    view: () => viewOf(app),
    listen: () => {
      app.addListener(() => {
        counts.app += 1;
      });
      for (const user of Object.values(app.allUsers)) {
        counts.users[user.id] ??= 0;
        user.addListener(() => {
          counts.users[user.id] = (counts.users[user.id] ?? 0) + 1;
        });
      }
    },
  };
  window.realmTabs = handle;
  return handle;
}
