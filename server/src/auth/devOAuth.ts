/**
 * The development stand-in for OAuth 2.0 providers: pending redirect logins ("flows") between the
 * client's `GET …/auth/providers/oauth2-<name>/login` and the identity picked on the stand-in
 * authorization page, and the identity a pick proves. Flows live in memory, are single-use, expire
 * and are bounded in number, so a flood of login requests cannot grow the process.
 * @packageDocumentation
 */
import { createHash, randomBytes } from "node:crypto";
import { ServerError } from "../contracts.js";
import type { OAuthProviderType } from "../config.js";
import type { Identity } from "./users.js";

/** A redirect login waiting for the identity pick. */
export interface OAuthFlow {
  provider: OAuthProviderType;
  /** Where the browser goes back to, with the result in the hash. */
  redirect: string;
  /** The client's opaque state, returned unchanged. */
  state: string;
  /** The device id to record on the session. */
  deviceId: string;
  expiresAt: number;
}

/** How long a flow waits for the pick. */
export const FLOW_TTL_MS = 10 * 60_000;
/** Most flows pending at once; the oldest is dropped beyond it. */
export const MAX_FLOWS = 1_000;

/** Pending flows by their random id. */
export class OAuthFlows {
  readonly #flows = new Map<string, OAuthFlow>();
  readonly #now: () => number;

  /** @param now - the clock (tests pass their own) */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores a flow and returns its id (unguessable: 24 random bytes). */
  start(flow: Omit<OAuthFlow, "expiresAt">): string {
    this.#sweep();
    while (this.#flows.size >= MAX_FLOWS) {
      const oldest = this.#flows.keys().next().value;
      if (oldest === undefined) break;
      this.#flows.delete(oldest);
    }
    const id = randomBytes(24).toString("hex");
    this.#flows.set(id, { ...flow, expiresAt: this.#now() + FLOW_TTL_MS });
    return id;
  }

  /**
   * The flow `id`, still pending.
   * @throws ServerError 400 `InvalidParameter` for an unknown, used or expired flow
   */
  peek(id: string): OAuthFlow {
    const flow = this.#flows.get(id);
    if (flow === undefined || flow.expiresAt <= this.#now()) {
      this.#flows.delete(id);
      throw new ServerError(400, "InvalidParameter", "unknown or expired OAuth login: start the login again");
    }
    return flow;
  }

  /**
   * Takes the flow `id` (a flow completes once).
   * @throws ServerError 400 `InvalidParameter` for an unknown, used or expired flow
   */
  take(id: string): OAuthFlow {
    const flow = this.peek(id);
    this.#flows.delete(id);
    return flow;
  }

  /** Flows pending now. */
  get size(): number {
    return this.#flows.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, flow] of this.#flows) if (flow.expiresAt <= now) this.#flows.delete(id);
  }
}

/**
 * The identity an identity pick proves: the provider-scoped id derives from the email, so picking
 * the same email again is the same user.
 * @throws ServerError 400 `InvalidParameter` for an email that is not `x@y` or a name over 200 characters
 */
export function pickedIdentity(provider: OAuthProviderType, email: string, name: string): Identity {
  const address = email.trim().toLowerCase();
  if (!/^[^\s@]{1,64}@[^\s@]{1,190}$/.test(address))
    throw new ServerError(400, "InvalidParameter", "pick an identity with an email address");
  const display = name.trim();
  if (display.length > 200) throw new ServerError(400, "InvalidParameter", "the name is longer than 200 characters");
  const id = createHash("sha256").update(`${provider}\0${address}`).digest("hex").slice(0, 24);
  return { id, providerType: provider, data: { email: address, ...(display ? { name: display } : {}) } };
}

/**
 * Checks a redirect URL of a login: an `http(s)` URL listed in the provider's `redirectUris`, or,
 * when none are listed, one on a loopback host.
 * @throws ServerError 400 `InvalidParameter` otherwise
 */
export function checkRedirect(redirect: string, allowed: readonly string[] | undefined): string {
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    throw new ServerError(400, "InvalidParameter", "redirect must be an absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ServerError(400, "InvalidParameter", "redirect must be http(s)");
  if (allowed !== undefined && allowed.length > 0) {
    const target = withoutHash(url);
    if (!allowed.some((a) => withoutHash(new URL(a)) === target)) {
      throw new ServerError(400, "InvalidParameter", `redirect ${target} is not one of the provider's redirect URIs`);
    }
  } else if (!isLoopback(url.hostname)) {
    throw new ServerError(400, "InvalidParameter", "without redirectUris, the redirect must be a loopback URL");
  }
  return url.toString();
}

function withoutHash(url: URL): string {
  return `${url.origin}${url.pathname}${url.search}`;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]";
}
