/**
 * The account features most pages never use, loaded together the first time a tab uses one of them
 * (features/lazy.ts): API keys, the email/password provider's routes, the OAuth 2.0 redirect login,
 * the import of realm-web's sessions, and deleting, linking and re-reading the profile of a user.
 * @packageDocumentation
 */
export { apiKeyCall } from "./apiKeys.js";
export { emailPasswordCall } from "./emailPassword.js";
export { deleteUser, linkCredentials, refreshProfile } from "./identity.js";
export { importRealmWeb } from "./migration.js";
export { completeRedirectLogin, redirectLoginUrl } from "./redirectLogin.js";
