/**
 * The realm-tabs demo page. Server and app id come from Vite's `define` (see demo/vite.config.ts);
 * development and test builds also take `?server=<url>&app=<id>` (see config.ts). The App is also
 * put on `window.realmTabs` (realm-tabs/testing's page handle), so tests can read each tab's view
 * of the session.
 */
import { App, BSON, Credentials } from "../../src/index.js";
import { installTestPage } from "../../src/testing/page.js";
import { serverTarget } from "./config.js";
import { describeError } from "./dom.js";
import { mountFunctions } from "./functions.js";
import { listenAll, mountLog } from "./log.js";
import { mountSignIn } from "./signin.js";
import { mountStatus } from "./status.js";
import { mountTodos } from "./todos.js";
import { mountUsers } from "./users.js";

const target = serverTarget(location.search, import.meta.env, { appId: __REALM_TABS_APP_ID__, baseUrl: __REALM_TABS_SERVER__ });
const app = new App({ id: target.appId, baseUrl: target.baseUrl });
installTestPage(app, { Credentials, BSON });

const log = mountLog();
window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  log(`unexpected error: ${describeError(event.reason)}`);
});

mountSignIn(app);
const renderUsers = mountUsers(app);
mountFunctions(app);
const syncTodos = mountTodos(app, log);
mountStatus(app);

const render = (): void => {
  renderUsers();
  syncTodos();
};
app.ready.then(
  () => {
    log(`connected to ${app.id}`);
    listenAll(app, log, render);
    render();
  },
  (error: unknown) => log(`could not connect: ${describeError(error)}`),
);
