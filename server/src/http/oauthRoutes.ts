/**
 * OAuth 2.0 redirect logins through the development stand-in (`devOAuth`). The client opens
 * `GET …/app/:appId/auth/providers/oauth2-<name>/login?redirect=…&state=…` in a window; the server
 * sends it to its own authorization page (instead of Google, Facebook or Apple), where a developer
 * or a test picks an identity; the pick comes back to the server, which issues the user and
 * redirects to `redirect` with what App Services sends: `#_baas_client_app_id=…&_baas_ua=<access
 * token>$<refresh token>$<user id>$<device id>&_baas_state=<state>` (or `_baas_error`).
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { OAUTH_PROVIDER_TYPES, type OAuthProviderType, type ServerConfig } from "../config.js";
import { ServerError } from "../contracts.js";
import { OAuthFlows, checkRedirect, pickedIdentity, type OAuthFlow } from "../auth/devOAuth.js";
import { pickDeviceId } from "../auth/ids.js";
import { API_PREFIX, checkAppId, type HttpDeps } from "./deps.js";

/** Path of the stand-in authorization page. */
export const AUTHORIZE_PATH = `${API_PREFIX}/dev-oauth/authorize`;
/** Path the authorization page sends the pick to. */
export const CALLBACK_PATH = `${API_PREFIX}/dev-oauth/callback`;

type LoginQuery = { redirect?: unknown; state?: unknown; device?: unknown; link?: unknown };
type FlowQuery = { flow?: unknown; email?: unknown; name?: unknown; error?: unknown };

function queryString(value: unknown, name: string, max: number): string {
  if (typeof value !== "string" || value === "") throw new ServerError(400, "MissingParameter", `${name} is required`);
  if (value.length > max) throw new ServerError(400, "InvalidParameter", `${name} is longer than ${max} characters`);
  return value;
}

function optionalString(value: unknown, max: number): string {
  return typeof value === "string" && value.length <= max ? value : "";
}

/**
 * The provider type of a redirect login, if the stand-in serves it.
 * @throws ServerError 404 `AuthProviderNotFound` for an unknown or disabled provider, or without `devOAuth`
 */
function servedProvider(config: ServerConfig, provider: string, path: string): OAuthProviderType {
  const type = OAUTH_PROVIDER_TYPES.find((t) => t === provider);
  // only OAuth providers have a GET login: for the others this route does not exist
  if (type === undefined) throw new ServerError(404, "NotFound", `no route for GET ${path}`);
  if (config.providers.oauth[type] === undefined) {
    throw new ServerError(404, "AuthProviderNotFound", `authentication via '${provider}' is unsupported`);
  }
  if (!config.devOAuth) {
    throw new ServerError(
      404,
      "AuthProviderNotFound",
      `${provider} logins need the provider itself, which this server cannot reach; enable devOAuth (development only) to use its stand-in`,
    );
  }
  return type;
}

/** The device id in the login's `device` parameter (base64 of the device JSON), else a new one. */
function deviceIdOf(device: unknown): string {
  if (typeof device !== "string" || device.length > 4096) return pickDeviceId({});
  try {
    const parsed = JSON.parse(Buffer.from(device, "base64").toString("utf8")) as unknown;
    const id = typeof parsed === "object" && parsed !== null ? (parsed as { deviceId?: unknown }).deviceId : undefined;
    const hex = typeof id === "object" && id !== null ? (id as { $oid?: unknown }).$oid : id;
    return pickDeviceId({ options: { device: { deviceId: hex } } });
  } catch {
    return pickDeviceId({});
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pickerPage(flowId: string, flow: OAuthFlow, appId: string): string {
  const provider = escapeHtml(flow.provider.slice("oauth2-".length));
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in with ${provider} (development stand-in)</title></head>
<body>
<h1>Sign in with ${provider}</h1>
<p>Development stand-in of realm-tabs-server for app <code>${escapeHtml(appId)}</code>: no ${provider} account is involved.
Pick the identity to sign in as; it returns to <code>${escapeHtml(new URL(flow.redirect).origin)}</code>.</p>
<form method="get" action="${CALLBACK_PATH}">
<input type="hidden" name="flow" value="${escapeHtml(flowId)}">
<p><label>Email <input id="email" name="email" type="email" required value="dev.user@example.com"></label></p>
<p><label>Name <input id="name" name="name" value="Dev User"></label></p>
<p><button id="sign-in" type="submit">Sign in</button>
<button id="deny" type="submit" name="error" value="access_denied" formnovalidate>Cancel</button></p>
</form>
</body>
</html>`;
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .header("content-type", "text/html; charset=utf-8")
    .header("content-security-policy", "default-src 'none'; frame-ancestors 'none'")
    .header("cache-control", "no-store")
    .send(html);
}

/** Where the browser goes back to: the flow's redirect with the result as hash parameters. */
function backTo(flow: OAuthFlow, appId: string, result: Record<string, string>): string {
  const url = new URL(flow.redirect);
  url.hash = new URLSearchParams({ _baas_client_app_id: appId, ...result, _baas_state: flow.state }).toString();
  return url.toString();
}

/** Registers the redirect login route and the stand-in authorization page. */
export function registerOAuthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { auth, config } = deps;
  const flows = new OAuthFlows();

  app.get<{ Params: { appId: string; provider: string }; Querystring: LoginQuery }>(
    `${API_PREFIX}/app/:appId/auth/providers/:provider/login`,
    { config: { kind: "login" } },
    async (request, reply) => {
      checkAppId(config, request.params.appId);
      const provider = servedProvider(config, request.params.provider, request.url.split("?")[0] ?? "");
      if (request.query.link === "true") {
        throw new ServerError(400, "InvalidParameter", "linking through a redirect login is not supported by the development stand-in");
      }
      const redirect = checkRedirect(queryString(request.query.redirect, "redirect", 2048), config.providers.oauth[provider]?.redirectUris);
      const state = queryString(request.query.state, "state", 256);
      const flowId = flows.start({ provider, redirect, state, deviceId: deviceIdOf(request.query.device) });
      return reply.redirect(`${AUTHORIZE_PATH}?${new URLSearchParams({ flow: flowId }).toString()}`, 302);
    },
  );

  app.get<{ Querystring: FlowQuery }>(AUTHORIZE_PATH, async (request, reply) => {
    if (!config.devOAuth) throw new ServerError(404, "NotFound", "devOAuth is off");
    const flowId = queryString(request.query.flow, "flow", 128);
    return sendPage(reply, pickerPage(flowId, flows.peek(flowId), config.appId));
  });

  app.get<{ Querystring: FlowQuery }>(CALLBACK_PATH, { config: { kind: "login" } }, async (request, reply) => {
    if (!config.devOAuth) throw new ServerError(404, "NotFound", "devOAuth is off");
    const flowId = queryString(request.query.flow, "flow", 128);
    if (typeof request.query.error === "string") {
      const flow = flows.take(flowId);
      return reply.redirect(backTo(flow, config.appId, { _baas_error: optionalString(request.query.error, 200) || "access_denied" }), 302);
    }
    const identity = pickedIdentity(
      flows.peek(flowId).provider,
      optionalString(request.query.email, 300),
      optionalString(request.query.name, 300),
    );
    const flow = flows.take(flowId);
    const login = await auth.logInIdentity(identity, flow.deviceId);
    const ua = [login.access_token, login.refresh_token, login.user_id, login.device_id].join("$");
    return reply.redirect(backTo(flow, config.appId, { _baas_ua: ua }), 302);
  });
}
