/**
 * Static hosting: the files of an app's `hosting/files`, at the server's root (`/images/logo.png`),
 * with their metadata attributes as headers, as App Services served them at the app's hosting
 * domain. A request that matches no file gets the default error path's file (a custom 404 page,
 * or a single-page app's root with status 200) when the app sets one. Files are sent by
 * `@fastify/send` (path checks, `ETag`/`Last-Modified`, ranges); a symbolic link that leads out of
 * `hosting/files` is no file (App Services served uploaded files, which cannot be links); the
 * client API's, the admin API's and the endpoints' paths are never hosting's.
 * @packageDocumentation
 */
import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";
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
 * True unless the path names something that exists and, through symbolic links, lies outside the
 * hosted folder (`realRoot`: that folder's real path). Paths `@fastify/send` refuses (`..`,
 * malformed escapes) pass here: it answers them.
 */
async function insideRoot(realRoot: string, path: string): Promise<boolean> {
  const decoded = resourcePath(path);
  if (decoded === undefined || decoded.includes("\0")) return true;
  const target = join(realRoot, decoded);
  // a path that leaves the folder by itself (`..`) is send's to refuse: probing it here would tell
  // whether something exists outside
  if (!target.startsWith(realRoot + sep)) return true;
  try {
    const real = await realpath(target);
    return real === realRoot || real.startsWith(realRoot + sep);
  } catch {
    // no such file (send answers 404), or not readable
    return true;
  }
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
  realRoot: string,
): Promise<boolean> {
  if (!(await insideRoot(realRoot, path))) {
    if (!fallback && hosting.defaultErrorPath !== undefined) return false;
    void reply.code(404).type("text/plain; charset=utf-8").send("Not Found");
    return true;
  }
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
  // the folder's own path may go through links (a temporary folder on macOS does): only what lies below it counts
  let realRoot: string | undefined;
  app.get("/*", async (request, reply) => {
    // kept once found (the folder may appear after the start)
    const root = realRoot ?? (await realpath(hosting.root).catch(() => undefined));
    realRoot = root;
    const [path = "/"] = request.url.split("?");
    if ([`${API_PREFIX}/`, `${ADMIN_PREFIX}/`, "/app/"].some((prefix) => path.startsWith(prefix))) return reply.callNotFound();
    // (a reply is awaitable: awaiting it would wait for the answer to end, so it is returned, not awaited)
    if (!(await trySend(request, reply, hosting, path, false, root ?? hosting.root)) && hosting.defaultErrorPath !== undefined) {
      await trySend(request, reply, hosting, hosting.defaultErrorPath, true, root ?? hosting.root);
    }
    return reply;
  });
}
