/**
 * A page running the unmodified realm-web 2.0.1 (for the migration test): `?server=<url>&app=<id>`
 * creates a realm-web App and exposes it on `window.realmWeb`.
 */
import * as Realm from "realm-web";

declare global {
  interface Window {
    realmWeb?: { app: Realm.App; Credentials: typeof Realm.Credentials };
  }
}

const params = new URLSearchParams(location.search);
const server = params.get("server");
const appId = params.get("app");
const status = document.getElementById("status");
if (server && appId) {
  window.realmWeb = { app: new Realm.App({ id: appId, baseUrl: server }), Credentials: Realm.Credentials };
  if (status) status.textContent = "ready";
} else if (status) {
  status.textContent = "missing ?server=<url>&app=<id>";
}
