/**
 * The redirect page of the OAuth 2.0 redirect login: as on a realm-web app, it only calls
 * `handleAuthRedirect()`, which hands the result to the tab that started the login.
 */
import { handleAuthRedirect } from "../../src/index.js";

handleAuthRedirect();
const status = document.getElementById("status");
if (status) status.textContent = "handed over";
