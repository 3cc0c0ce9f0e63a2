/**
 * Static hosting: the files of an app's `hosting/files`, at the server's root (`/images/logo.png`),
 * with their metadata attributes as headers, as App Services served them at the app's hosting
 * domain. A request that matches no file gets the default error path's file (a custom 404 page,
 * or a single-page app's root with status 200) when the app sets one. Files are sent by
 * `@fastify/send` (path checks, `ETag`/`Last-Modified`, ranges); the client API's and endpoints'
 * paths are never hosting's.
 * @packageDocumentation
 */
import send from "@fastify/send";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HostingSpec } from "../app/hosting.js";
import { API_PREFIX } from "./deps.js";

/** The resource path a request names, as the metadata keys it (decoded; `/` and folders name their `index.html`). */
function resourcePath(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return decoded.endsWith("/") ? `${decoded}index.html` : decoded;
}

async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  hosting: HostingSpec,
  path: string,
  fallback: boolean,
): Promise<FastifyReply | undefined> {
  const attributes = hosting.attributes.get(resourcePath(path) ?? "") ?? {};
  const { "Website-Redirect-Location": redirect, ...headers } = attributes;
  if (redirect !== undefined) return reply.redirect(redirect, 301);
  const result = await send(request.raw, path, { root: hosting.root, index: ["index.html"], dotfiles: "allow", cacheControl: false });
  if (result.type === "error" && !fallback && hosting.defaultErrorPath !== undefined && result.statusCode === 404) return undefined;
  let status = result.statusCode;
  // the default error path's file answers with the app's status (200 for a single-page app), unless unchanged since the client's copy
  if (fallback && result.type === "file" && !(status === 304 && hosting.defaultResponseCode === 200)) status = hosting.defaultResponseCode;
  reply.code(status).headers(result.headers);
  if (result.type === "file") reply.headers(headers);
  return reply.send(result.stream);
}

/**
 * Registers hosting's route: `GET` (and `HEAD`) of every path the client API and the endpoints do
 * not serve.
 * @param app - the server
 * @param hosting - the app's static hosting
 */
export function registerHostingRoutes(app: FastifyInstance, hosting: HostingSpec): void {
  app.get("/*", async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    if (path.startsWith(`${API_PREFIX}/`) || path.startsWith("/app/")) return reply.callNotFound();
    const sent = await sendFile(request, reply, hosting, path, false);
    if (sent !== undefined) return sent;
    return (await sendFile(request, reply, hosting, hosting.defaultErrorPath ?? "/", true)) ?? reply.callNotFound();
  });
}
