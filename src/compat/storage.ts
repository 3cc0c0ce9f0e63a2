/**
 * realm-web's key/value `Storage` abstraction: `LocalStorage` over `window.localStorage`, an
 * in-memory fallback, and prefixed views (`parent:part:key`, the key layout realm-web uses).
 * @packageDocumentation
 */
import { RealmTabsError } from "../protocol/errors.js";

/** Called when another tab changed the storage (the DOM `storage` event). */
export type StorageChangeListener = () => void;

/** A synchronous string key/value store, as realm-web defines it. */
export interface Storage {
  /** The value of `key`, or null. */
  get(key: string): string | null;
  /** Stores `value` under `key`. */
  set(key: string, value: string): void;
  /** Removes `key`. */
  remove(key: string): void;
  /** A view of this storage whose keys all start with `keyPart:`. */
  prefix(keyPart: string): Storage;
  /** Removes every key (starting with `prefix`, if given). */
  clear(prefix?: string): void;
  /** Listens to changes made by other tabs. */
  addListener(listener: StorageChangeListener): void;
  /** Stops listening. */
  removeListener(listener: StorageChangeListener): void;
}

const SEPARATOR = ":";

class PrefixedStorage implements Storage {
  constructor(
    private readonly parent: Storage,
    private readonly keyPart: string,
  ) {}
  get(key: string): string | null {
    return this.parent.get(this.keyPart + SEPARATOR + key);
  }
  set(key: string, value: string): void {
    this.parent.set(this.keyPart + SEPARATOR + key, value);
  }
  remove(key: string): void {
    this.parent.remove(this.keyPart + SEPARATOR + key);
  }
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }
  clear(prefix = ""): void {
    this.parent.clear(this.keyPart + SEPARATOR + prefix);
  }
  addListener(listener: StorageChangeListener): void {
    this.parent.addListener(listener);
  }
  removeListener(listener: StorageChangeListener): void {
    this.parent.removeListener(listener);
  }
}

/** realm-web's `Storage` over the origin's `localStorage`. */
export class LocalStorage implements Storage {
  private readonly local: globalThis.Storage;

  /** @throws {RealmTabsError} `invalid-argument` where there is no `localStorage` (Node, some workers) */
  constructor() {
    const local = (globalThis as { localStorage?: globalThis.Storage }).localStorage;
    if (typeof local !== "object" || local === null) {
      throw new RealmTabsError("invalid-argument", "Cannot use LocalStorage without a global localStorage object", { retryable: false });
    }
    this.local = local;
  }
  /** @inheritdoc */
  get(key: string): string | null {
    return this.local.getItem(key);
  }
  /** @inheritdoc */
  set(key: string, value: string): void {
    this.local.setItem(key, value);
  }
  /** @inheritdoc */
  remove(key: string): void {
    this.local.removeItem(key);
  }
  /** @inheritdoc */
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }
  /** @inheritdoc */
  clear(prefix?: string): void {
    const keys: string[] = [];
    for (let i = 0; i < this.local.length; i++) {
      const key = this.local.key(i);
      if (key !== null && (!prefix || key.startsWith(prefix))) keys.push(key);
    }
    for (const key of keys) this.local.removeItem(key);
  }
  /** @inheritdoc */
  addListener(listener: StorageChangeListener): void {
    globalThis.addEventListener("storage", listener);
  }
  /** @inheritdoc */
  removeListener(listener: StorageChangeListener): void {
    globalThis.removeEventListener("storage", listener);
  }
}

/** A `Storage` kept in memory (where there is no `localStorage`). Listeners never fire: no other tab shares it. */
export class MemoryStorage implements Storage {
  private readonly values = new Map<string, string>();
  /** @inheritdoc */
  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  /** @inheritdoc */
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
  /** @inheritdoc */
  remove(key: string): void {
    this.values.delete(key);
  }
  /** @inheritdoc */
  prefix(keyPart: string): Storage {
    return new PrefixedStorage(this, keyPart);
  }
  /** @inheritdoc */
  clear(prefix?: string): void {
    for (const key of [...this.values.keys()]) if (!prefix || key.startsWith(prefix)) this.values.delete(key);
  }
  /** @inheritdoc */
  addListener(): void {}
  /** @inheritdoc */
  removeListener(): void {}
}

/** `LocalStorage` where the origin has one (and it can be used), else a `MemoryStorage`. */
export function defaultRootStorage(): Storage {
  try {
    return new LocalStorage();
  } catch {
    return new MemoryStorage();
  }
}
