/**
 * The redirect page of the OAuth 2.0 redirect login: as on a realm-web app, it only calls
 * `handleAuthRedirect()`, which hands the result to the tab that started the login. The realm-tabs
 * test page and the realm-web application (playwright/realm-web-app/, whose "realm-web" is this
 * same module) both end their redirect logins here.
 */
import { handleAuthRedirect } from "../../src/index.js";

handleAuthRedirect();
const status = document.getElementById("status");
if (status) status.textContent = "handed over";
