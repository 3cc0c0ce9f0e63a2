/**
 * The few IndexedDB calls the runtime makes, as promises: opening a database (with its upgrade and
 * its connection's events), a request's result, a transaction's commit. Two stores use them
 * (store.ts, sealedStore.ts), with about ten calls between them; this module stands in for the `idb`
 * package, which wraps every IndexedDB object in a proxy the runtime does not need, for about 0.85 kB
 * gzip of the SharedWorker (bench/size/check.ts).
 * @packageDocumentation
 */

/** What {@link openDatabase} calls as the database's connection goes through its life. */
export interface OpenCallbacks {
  /** Creates the object stores: the database is new, or older than the version asked for. */
  upgrade(db: IDBDatabase): void;
  /** Opening waits until the connections of an older version close. */
  blocked?(): void;
  /** Another connection wants a newer version; this one should close (it is passed). */
  blocking?(db: IDBDatabase): void;
  /** The browser closed the connection (storage cleared, disk failure). */
  terminated?(): void;
}

/**
 * The result of `req`.
 * @throws the request's `DOMException` (`ConstraintError`, `QuotaExceededError`, …) when it fails
 */
export function request<T>(req: IDBRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new DOMException("the request failed", "UnknownError"));
  });
}

/**
 * Settles when `tx` ends: resolves once it commits.
 * @throws the error of the request that failed it (`ConstraintError`, …), the transaction's own
 *   error (`QuotaExceededError`, …), or an `AbortError` `DOMException` when it was aborted without one
 */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // a failed request's error event reaches the transaction before the abort sets `tx.error`
    const fail = (error: DOMException | null | undefined): void =>
      reject(error ?? tx.error ?? new DOMException("the transaction was aborted", "AbortError"));
    tx.onerror = (event) => fail((event.target as Partial<IDBRequest> | null)?.error);
    tx.onabort = () => fail(null);
  });
}

/**
 * Opens the database `name` at `version`, creating or upgrading its stores through `callbacks`.
 * @throws the open request's `DOMException` (`VersionError` for a newer database, …); there is no
 *   deadline here: the callers put theirs around it
 */
export function openDatabase(name: string, version: number, callbacks: OpenCallbacks): Promise<IDBDatabase> {
  const req = indexedDB.open(name, version);
  req.onupgradeneeded = () => callbacks.upgrade(req.result);
  req.onblocked = () => callbacks.blocked?.();
  return request<IDBDatabase>(req).then((db) => {
    db.onversionchange = () => callbacks.blocking?.(db);
    db.onclose = () => callbacks.terminated?.();
    return db;
  });
}
