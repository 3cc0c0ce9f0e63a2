/**
 * Login throttles. Failed logins are counted per (account, client address) pair and per client
 * address, in scores that decay by one per decay period, so a lock always ends by itself and an
 * attacker elsewhere cannot keep a victim locked out. Anonymous logins are limited per client
 * address by a token bucket.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";

/** Settings of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failures of one pair before that pair is locked. */
  perAccount: number;
  /** Failures of one address, across accounts, before that address is locked. */
  perAddress: number;
  /** One failure is forgotten per this many milliseconds. */
  decayMs: number;
  /** Entries kept before decayed (then the oldest) ones are dropped. @default 100000 */
  maxEntries?: number;
}

interface Score {
  value: number;
  at: number;
}

/** A map of decaying scores with a size bound. */
class DecayingScores {
  readonly #entries = new Map<string, Score>();

  constructor(
    private readonly decayMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The score of a key at `now`. */
  value(key: string, now: number): number {
    const entry = this.#entries.get(key);
    if (entry === undefined) return 0;
    return Math.max(0, entry.value - (now - entry.at) / this.decayMs);
  }

  add(key: string, now: number): void {
    const value = this.value(key, now) + 1;
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: now });
    if (this.#entries.size > this.maxEntries) this.#prune(now);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Milliseconds until the key's score falls below `limit`. */
  waitMs(key: string, limit: number, now: number): number {
    return Math.max(0, (this.value(key, now) - (limit - 1)) * this.decayMs);
  }

  #prune(now: number): void {
    for (const key of [...this.#entries.keys()]) if (this.value(key, now) === 0) this.#entries.delete(key);
    // Still too many: drop the least recently failed (the map is in insertion order).
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(key);
    }
  }
}

function tooMany(waitMs: number): ServerError {
  return new ServerError(429, "TooManyRequests", `too many failed login attempts; try again in ${Math.ceil(waitMs / 1000)} s`);
}

/** In-memory failed-login throttle per (account, client address) and per client address. */
export class LoginThrottle {
  readonly #options: LoginThrottleOptions;
  readonly #pairs: DecayingScores;
  readonly #addresses: DecayingScores;

  /** @param options - limits and decay period */
  constructor(options: LoginThrottleOptions) {
    this.#options = options;
    const max = options.maxEntries ?? 100_000;
    this.#pairs = new DecayingScores(options.decayMs, max);
    this.#addresses = new DecayingScores(options.decayMs, max);
  }

  /** Entries held (pairs and addresses). */
  get size(): number {
    return this.#pairs.size + this.#addresses.size;
  }

  /**
   * Refuses a login attempt while its pair or its address is locked.
   * @throws ServerError 429 `TooManyRequests`.
   */
  check(account: string, address: string, now = Date.now()): void {
    const pair = pairKey(account, address);
    // Locked while the score is above limit - 1: the N-th failure locks until one period has passed.
    if (this.#pairs.value(pair, now) > this.#options.perAccount - 1) throw tooMany(this.#pairs.waitMs(pair, this.#options.perAccount, now));
    if (this.#addresses.value(address, now) > this.#options.perAddress - 1) {
      throw tooMany(this.#addresses.waitMs(address, this.#options.perAddress, now));
    }
  }

  /** Records a failed attempt. */
  fail(account: string, address: string, now = Date.now()): void {
    this.#pairs.add(pairKey(account, address), now);
    this.#addresses.add(address, now);
  }

  /** Forgets a pair's failures (after a successful login); the address keeps its score. */
  succeed(account: string, address: string): void {
    this.#pairs.delete(pairKey(account, address));
  }

  /** Forgets everything. */
  clear(): void {
    this.#pairs.clear();
    this.#addresses.clear();
  }
}

const pairKey = (account: string, address: string): string => `${address}\u0000${account}`;

/** Settings of {@link AnonymousLoginLimiter}. */
export interface AnonymousLoginLimits {
  /** Logins one address may make at once. */
  burst: number;
  /** Logins per minute an address regains. */
  perMinute: number;
  /** Addresses tracked before full buckets are dropped. @default 100000 */
  maxEntries?: number;
}

/** A token bucket per client address for anonymous logins. */
export class AnonymousLoginLimiter {
  readonly #limits: AnonymousLoginLimits;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** @param limits - burst and refill rate */
  constructor(limits: AnonymousLoginLimits) {
    this.#limits = limits;
  }

  /**
   * Takes one login from an address's bucket.
   * @throws ServerError 429 `TooManyRequests` when the bucket is empty.
   */
  take(address: string, now = Date.now()): void {
    const { burst, perMinute } = this.#limits;
    const bucket = this.#buckets.get(address);
    const tokens = bucket === undefined ? burst : Math.min(burst, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
    if (tokens < 1) {
      const waitMs = ((1 - tokens) * 60_000) / perMinute;
      throw new ServerError(
        429,
        "TooManyRequests",
        `too many anonymous logins from this address; try again in ${Math.ceil(waitMs / 1000)} s`,
      );
    }
    this.#buckets.delete(address);
    this.#buckets.set(address, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > (this.#limits.maxEntries ?? 100_000)) this.#prune(now);
  }

  /** Forgets every bucket. */
  clear(): void {
    this.#buckets.clear();
  }

  #prune(now: number): void {
    for (const [address, bucket] of this.#buckets) {
      const full = bucket.tokens + ((now - bucket.at) * this.#limits.perMinute) / 60_000 >= this.#limits.burst;
      if (full || this.#buckets.size > (this.#limits.maxEntries ?? 100_000)) this.#buckets.delete(address);
      else break;
    }
  }
}
