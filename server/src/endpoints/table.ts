/**
 * Finds the endpoint of a request: by route (exactly), then by method, a specific method before `*`.
 * @packageDocumentation
 */
import type { EndpointMethod, EndpointSpec } from "./types.js";

/** The endpoints by route. */
export class EndpointTable {
  readonly #byRoute = new Map<string, EndpointSpec[]>();

  /** @param endpoints - the endpoints served (one per route and method) */
  constructor(endpoints: readonly EndpointSpec[]) {
    for (const spec of endpoints) {
      const list = this.#byRoute.get(spec.route) ?? [];
      list.push(spec);
      this.#byRoute.set(spec.route, list);
    }
  }

  /** How many endpoints are served. */
  get size(): number {
    let n = 0;
    for (const list of this.#byRoute.values()) n += list.length;
    return n;
  }

  /**
   * The endpoint for a request.
   * @param route - the route (`/hello/latest`)
   * @param method - the request's method (`HEAD` is served by a `GET` endpoint)
   * @returns the endpoint; or, when the route exists but does not handle the method, the methods it
   * handles; or undefined for an unknown route
   */
  find(route: string, method: string): EndpointSpec | EndpointMethod[] | undefined {
    const list = this.#byRoute.get(route);
    if (list === undefined) return undefined;
    const wanted = method === "HEAD" ? "GET" : method;
    return list.find((spec) => spec.method === wanted) ?? list.find((spec) => spec.method === "*") ?? list.map((spec) => spec.method);
  }
}
