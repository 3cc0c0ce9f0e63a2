/**
 * Tokens at rest: a {@link SessionStore} wrapper that encrypts every stored token (AES-GCM, 256 bit)
 * with a non-extractable WebCrypto key. The key is generated once and kept in its own IndexedDB
 * database as a `CryptoKey` object (structured-cloneable, never exportable), so a copy of the
 * database's values alone does not yield a usable token. Each ciphertext is bound (as additional
 * data) to its app key, user id and field, so sealed tokens cannot be swapped between users.
 *
 * Plaintext tokens written by earlier builds still load; they are sealed on the next write.
 * @packageDocumentation
 */
import { RealmTabsError } from "../../src/protocol/errors.js";
import { KEYS_DATABASE_NAME } from "../../src/protocol/names.js";
import { withDeadline } from "../../src/protocol/deadline.js";
import { done, openDatabase, request } from "./idb.js";
import type { SessionStore, StoredUser } from "./store.js";

/** Prefix of a sealed token: `sealed:v1:` + base64(iv ‖ ciphertext). */
export const SEALED_PREFIX = "sealed:v1:";

/** Where the sealing key comes from. */
export interface KeySource {
  /** The key (created on first use). @throws {RealmTabsError} code `storage` or `timeout` */
  key(): Promise<CryptoKey>;
}

/** Options of {@link idbKeySource}. */
export interface IdbKeySourceOptions {
  /** Database holding the key. @default KEYS_DATABASE_NAME ("realm-tabs-keys") */
  name?: string;
  /** Deadline of opening and reading in ms. @default 5000 */
  timeoutMs?: number;
}

const KEY_ID = "session-tokens";

/** Generates a fresh non-extractable AES-GCM key. */
export function generateSealingKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/**
 * The key kept in IndexedDB. Two runtimes racing to create it agree: the add and the check run in
 * one transaction, and the loser uses the winner's key.
 */
export function idbKeySource(options: IdbKeySourceOptions = {}): KeySource {
  const name = options.name ?? KEYS_DATABASE_NAME;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let cached: Promise<CryptoKey> | null = null;
  async function read(): Promise<CryptoKey> {
    const fresh = await generateSealingKey();
    const db = await openDatabase(name, 1, {
      upgrade: (d) => {
        d.createObjectStore("keys");
      },
    });
    try {
      const tx = db.transaction("keys", "readwrite");
      const store = tx.objectStore("keys");
      const committed = done(tx);
      // awaited below; a failed request rejects first, and the abort that follows is not reported twice
      committed.catch(() => undefined);
      const existing = await request<CryptoKey | undefined>(store.get(KEY_ID));
      if (!existing) await request(store.add(fresh, KEY_ID));
      await committed;
      return existing ?? fresh;
    } finally {
      db.close();
    }
  }
  return {
    key() {
      cached ??= withDeadline(read(), timeoutMs, "reading the token key").catch((e: unknown) => {
        cached = null;
        if (e instanceof RealmTabsError) throw e;
        throw new RealmTabsError("storage", `the token key is unavailable: ${(e as Error)?.message ?? String(e)}`, { cause: e });
      });
      return cached;
    },
  };
}

/** A key source over one in-memory key (tests). */
export function fixedKeySource(key: CryptoKey): KeySource {
  return { key: async () => key };
}

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function aad(u: Pick<StoredUser, "appKey" | "id">, field: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(JSON.stringify([u.appKey, u.id, field]));
}

/** Encrypts one token value for `user`'s `field`. */
export async function seal(key: CryptoKey, user: Pick<StoredUser, "appKey" | "id">, field: string, value: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(user, field) }, key, encoder.encode(value)),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return SEALED_PREFIX + toBase64(out);
}

/**
 * Decrypts a value {@link seal} produced; a value without the prefix (stored by an older build) is
 * returned as is. @throws {RealmTabsError} code `storage` if the value does not decrypt
 */
export async function unseal(key: CryptoKey, user: Pick<StoredUser, "appKey" | "id">, field: string, value: string): Promise<string> {
  if (!value.startsWith(SEALED_PREFIX)) return value;
  try {
    const bytes = fromBase64(value.slice(SEALED_PREFIX.length));
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: aad(user, field) },
      key,
      bytes.slice(12),
    );
    return new TextDecoder().decode(plain);
  } catch (e) {
    throw new RealmTabsError("storage", `a stored ${field} does not decrypt with this browser's key`, { cause: e });
  }
}

async function sealUser(key: CryptoKey, u: StoredUser): Promise<StoredUser> {
  return {
    ...u,
    accessToken: u.accessToken === null ? null : await seal(key, u, "accessToken", u.accessToken),
    refreshToken: u.refreshToken === null ? null : await seal(key, u, "refreshToken", u.refreshToken),
  };
}

/** A user whose tokens do not decrypt (key lost, values copied from elsewhere) loads logged out. */
async function unsealUser(key: CryptoKey, u: StoredUser): Promise<StoredUser> {
  try {
    return {
      ...u,
      accessToken: u.accessToken === null ? null : await unseal(key, u, "accessToken", u.accessToken),
      refreshToken: u.refreshToken === null ? null : await unseal(key, u, "refreshToken", u.refreshToken),
    };
  } catch {
    return { ...u, state: "LoggedOut", accessToken: null, refreshToken: null };
  }
}

/**
 * Wraps `inner` so tokens are sealed on every write and unsealed on every read.
 * @param inner - the store actually written (usually {@link idbStore})
 * @param keys - the sealing key; if it cannot be read, `load`/`commit` reject with code `storage`
 *   (the host then degrades to memory, see `fallbackStore`)
 */
export function sealedStore(inner: SessionStore, keys: KeySource): SessionStore {
  return {
    get kind() {
      return inner.kind;
    },
    async load(appKey) {
      const [key, state] = await Promise.all([keys.key(), inner.load(appKey)]);
      return { app: state.app, users: await Promise.all(state.users.map((u) => unsealUser(key, u))) };
    },
    async commit(app, users, removedIds) {
      const key = await keys.key();
      await inner.commit(app, await Promise.all(users.map((u) => sealUser(key, u))), removedIds);
    },
    close: () => inner.close(),
  };
}
