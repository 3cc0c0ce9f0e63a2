/**
 * Static hosting: the files of an app's `hosting/files`, at the server's root (`/images/logo.png`),
 * with their metadata attributes as headers, as App Services served them at the app's hosting
 * domain. A request that matches no file gets the default error path's file (a custom 404 page,
 * or a single-page app's root with status 200) when the app sets one. Files are sent by
 * `@fastify/send` (path checks, `ETag`/`Last-Modified`, ranges); the client API's, the admin
 * API's and the endpoints' paths are never hosting's.
 * @packageDocumentation
 */
import send from "@fastify/send";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HostingSpec } from "../app/hosting.js";
import { ADMIN_PREFIX } from "../admin/routes.js";
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

/**
 * Sends the file of a path, or tells that there is none: false when a request that matches no file
 * is to get the default error path's file instead (nothing is sent then).
 */
async function trySend(
  request: FastifyRequest,
  reply: FastifyReply,
  hosting: HostingSpec,
  path: string,
  fallback: boolean,
): Promise<boolean> {
  const attributes = hosting.attributes.get(resourcePath(path) ?? "") ?? {};
  const { "Website-Redirect-Location": redirect, ...headers } = attributes;
  if (redirect !== undefined) {
    void reply.redirect(redirect, 301);
    return true;
  }
  // the default error path's file stands for another resource: no ranges or validators of its own
  const options = fallback ? { acceptRanges: false, etag: false, lastModified: false } : {};
  const result = await send(request.raw, path, {
    root: hosting.root,
    index: ["index.html"],
    dotfiles: "allow",
    cacheControl: false,
    ...options,
  });
  if (result.type === "error" && !fallback && hosting.defaultErrorPath !== undefined && result.statusCode === 404) {
    result.stream.destroy();
    return false;
  }
  // it answers with the app's status (200 for a single-page app)
  const status = fallback && result.type === "file" && result.statusCode === 200 ? hosting.defaultResponseCode : result.statusCode;
  reply.code(status).headers(result.headers);
  if (result.type === "file") reply.headers(headers);
  void reply.send(result.stream);
  return true;
}

/**
 * Registers hosting's route: `GET` (and `HEAD`) of every path outside the client API's, the admin
 * API's and the endpoints'.
 * @param app - the server
 * @param hosting - the app's static hosting
 */
export function registerHostingRoutes(app: FastifyInstance, hosting: HostingSpec): void {
  app.get("/*", async (request, reply) => {
    const [path = "/"] = request.url.split("?");
    if ([`${API_PREFIX}/`, `${ADMIN_PREFIX}/`, "/app/"].some((prefix) => path.startsWith(prefix))) return reply.callNotFound();
    // (a reply is awaitable: awaiting it would wait for the answer to end, so it is returned, not awaited)
    if (!(await trySend(request, reply, hosting, path, false)) && hosting.defaultErrorPath !== undefined) {
      await trySend(request, reply, hosting, hosting.defaultErrorPath, true);
    }
    return reply;
  });
}
