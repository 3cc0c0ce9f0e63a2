/**
 * The redirect page of the realm-web application's OAuth 2.0 login, as realm-web's documentation
 * has it: the provider's login ends here, and `handleAuthRedirect()` hands the result to the tab
 * that called `app.logIn`, which closes this window.
 */
import { handleAuthRedirect } from "realm-web";

handleAuthRedirect();
const status = document.getElementById("status");
if (status) status.textContent = "handed over";
