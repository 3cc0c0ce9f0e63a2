/**
 * Throttles repeated failed logins on one account: after `maxFailures` consecutive failures the
 * account is locked for 1 s, doubling on each further failure (capped at 5 minutes).
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";

interface Entry {
  failures: number;
  lockedUntil: number;
}

/** In-memory failed-login counter per account key. */
export class LoginThrottle {
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();

  /** @param maxFailures - consecutive failures allowed before locking */
  constructor(maxFailures: number) {
    this.#max = maxFailures;
  }

  /**
   * Refuses a login attempt while the account is locked.
   * @throws ServerError 429 `TooManyRequests`.
   */
  check(key: string, now = Date.now()): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.lockedUntil > now) {
      const seconds = Math.ceil((entry.lockedUntil - now) / 1000);
      throw new ServerError(429, "TooManyRequests", `too many failed login attempts; try again in ${seconds} s`);
    }
  }

  /** Records a failed attempt. */
  fail(key: string, now = Date.now()): void {
    const entry = this.#entries.get(key) ?? { failures: 0, lockedUntil: 0 };
    entry.failures += 1;
    if (entry.failures >= this.#max) {
      entry.lockedUntil = now + Math.min(1000 * 2 ** (entry.failures - this.#max), 5 * 60_000);
    }
    this.#entries.set(key, entry);
  }

  /** Forgets an account's failures (after a successful login). */
  succeed(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
