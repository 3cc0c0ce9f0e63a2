/**
 * Where the demo page connects. The server URL and app id are baked into the build; a
 * `?server=<url>&app=<id>` override is honoured only in development and test builds, so a link to
 * a deployed demo cannot send the credentials a person types to another server.
 * @packageDocumentation
 */

/** The build's mode, as Vite exposes it on `import.meta.env`. */
export interface BuildEnv {
  DEV: boolean;
  MODE: string;
}

/** What the page connects to. */
export interface ServerTarget {
  appId: string;
  baseUrl: string;
}

/**
 * The server and app the page uses.
 * @param search - `location.search`
 * @param env - the build's mode
 * @param built - the server URL and app id baked into the build
 */
export function serverTarget(search: string, env: BuildEnv, built: ServerTarget): ServerTarget {
  if (!env.DEV && env.MODE !== "test") return built;
  const params = new URLSearchParams(search);
  return { appId: params.get("app") ?? built.appId, baseUrl: params.get("server") ?? built.baseUrl };
}
