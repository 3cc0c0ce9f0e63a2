/**
 * Request counters per route kind (test support).
 * @packageDocumentation
 */
import { ROUTE_KINDS, type RouteKind } from "../http/deps.js";

/** The counters as the admin API reports them. */
export interface CounterSnapshot {
  /** Successful and failed login requests (not links). */
  logins: number;
  /** Access-token refresh requests. */
  refreshes: number;
  /** `POST functions/call` requests. */
  functionCalls: number;
  /** Watch streams open right now. */
  openStreams: number;
  /** Requests per route kind since the last reset. */
  routes: Record<RouteKind, number>;
  /** Requests per route kind whose client closed the connection before the answer, since the last reset. */
  abandoned: Record<RouteKind, number>;
}

/** Counts requests per route kind. */
export class Counters {
  #routes = Counters.#zero();
  #abandoned = Counters.#zero();

  static #zero(): Record<RouteKind, number> {
    return Object.fromEntries(ROUTE_KINDS.map((k) => [k, 0])) as Record<RouteKind, number>;
  }

  /** Counts one request. */
  hit(kind: RouteKind): void {
    this.#routes[kind] += 1;
  }

  /** Counts one request whose client went away before the answer. */
  abandon(kind: RouteKind): void {
    this.#abandoned[kind] += 1;
  }

  /** Zeroes every counter. */
  reset(): void {
    this.#routes = Counters.#zero();
    this.#abandoned = Counters.#zero();
  }

  /** The current values; `openStreams` comes from the stream registry. */
  snapshot(openStreams: number): CounterSnapshot {
    return {
      logins: this.#routes.login,
      refreshes: this.#routes.refresh,
      functionCalls: this.#routes.functionCall,
      openStreams,
      routes: { ...this.#routes },
      abandoned: { ...this.#abandoned },
    };
  }
}
