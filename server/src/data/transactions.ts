/**
 * Multi-document transactions of functions (`session.withTransaction`, `startTransaction` …
 * `commitTransaction`), made serializable the simple way: a transaction runs alone. Its first
 * operation waits until the calls in progress have ended and keeps every other call of the MongoDB
 * service waiting until the transaction commits or aborts. Its writes change memory only (the store
 * defers them: `CollectionRegistry.defer`); the commit persists them in one SQLite transaction and
 * then publishes their change events; an abort reads the collections it wrote back from SQLite. So
 * no other caller, watch stream or trigger ever sees a part of a transaction, and a crash in the
 * middle leaves none of it on disk.
 *
 * A transaction lives at most its lifetime (the functions' time limit): then it is aborted, and
 * what waited goes on. An operation of it that fails aborts it, as MongoDB does.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";
import type { CollectionRegistry } from "./collection.js";

/** The transaction ids remembered as ended (so that their later operations fail clearly). */
const REMEMBERED_ENDS = 10_000;

interface Holder {
  id: string;
  /** Its operations in progress. */
  inflight: number;
  /** Set when it is to end: no new operation starts; the end happens when `inflight` is 0. */
  ending: { commit: boolean; reason: string; done: Array<(err?: Error) => void> } | undefined;
  timer: NodeJS.Timeout | undefined;
}

interface Waiter {
  /** The transaction that waits to start, or undefined for a call outside transactions. */
  transaction: string | undefined;
  admit: () => void;
}

/** How a transaction ended: committed, or aborted and why. */
type Ended = { committed: true } | { committed: false; reason: string };

function noSuchTransaction(reason: string): ServerError {
  return new ServerError(400, "MongoDBError", `NoSuchTransaction: the transaction was aborted: ${reason}`);
}

function endedError(ended: Ended): ServerError {
  return ended.committed
    ? new ServerError(400, "MongoDBError", "NoSuchTransaction: the transaction has been committed")
    : noSuchTransaction(ended.reason);
}

/** Runs the service's calls so that a transaction runs alone. */
export class TransactionCoordinator {
  readonly #reg: CollectionRegistry;
  readonly #lifetimeMs: number;
  /** Calls in progress outside any transaction. */
  #active = 0;
  #holder: Holder | undefined;
  readonly #queue: Waiter[] = [];
  readonly #ended = new Map<string, Ended>();

  /**
   * @param reg - the store's collections
   * @param lifetimeMs - how long a transaction may hold the store
   */
  constructor(reg: CollectionRegistry, lifetimeMs: number) {
    this.#reg = reg;
    this.#lifetimeMs = lifetimeMs;
  }

  /**
   * Runs one call of the service: outside transactions (`transaction` undefined) once no
   * transaction holds the store, or as an operation of the transaction `transaction`, which
   * starts it if it has not started.
   * @param transaction - the transaction's id, if the call is part of one
   * @param run - the call
   * @returns what the call returns
   * @throws ServerError `MongoDBError` `NoSuchTransaction` for an operation of a transaction that has
   * ended (committed, or aborted by its lifetime, a failed operation or `abortTransaction`) or is
   * ending; whatever the call throws (which aborts its transaction)
   */
  async run<T>(transaction: string | undefined, run: () => Promise<T>): Promise<T> {
    if (transaction === undefined) {
      await this.#admit(undefined);
      try {
        return await run();
      } finally {
        this.#active -= 1;
        this.#pump();
      }
    }
    const ended = this.#ended.get(transaction);
    if (ended !== undefined) throw endedError(ended);
    if (this.#holder?.id !== transaction) await this.#admit(transaction);
    const holder = this.#holder;
    if (holder?.id !== transaction) throw endedError(this.#ended.get(transaction) ?? { committed: false, reason: "it ended" });
    if (holder.ending !== undefined) throw noSuchTransaction(holder.ending.commit ? "it is committing" : holder.ending.reason);
    holder.inflight += 1;
    try {
      return await run();
    } catch (err) {
      this.#end(holder, false, `an operation failed: ${(err as Error).message}`).catch(() => undefined);
      throw err;
    } finally {
      holder.inflight -= 1;
      this.#settle(holder);
    }
  }

  /**
   * Commits a transaction once its operations in progress have ended. A transaction that never
   * ran an operation commits at once.
   * @throws ServerError `MongoDBError` `NoSuchTransaction` if it was aborted; 500 if its writes cannot
   * be persisted (it is aborted then)
   */
  commit(transaction: string): Promise<void> {
    const ended = this.#ended.get(transaction);
    if (ended !== undefined) return ended.committed ? Promise.resolve() : Promise.reject(endedError(ended));
    const holder = this.#holder;
    if (holder?.id !== transaction) return Promise.resolve();
    return this.#end(holder, true, "");
  }

  /** Aborts a transaction (nothing happens for one that has ended or never ran an operation). */
  abort(transaction: string): Promise<void> {
    const holder = this.#holder;
    if (holder?.id !== transaction) return Promise.resolve();
    return this.#end(holder, false, "abortTransaction was called").catch(() => undefined);
  }

  /** Ends whatever transaction is in progress (the store is being wiped). */
  reset(): void {
    const holder = this.#holder;
    if (holder === undefined) return;
    clearTimeout(holder.timer);
    this.#remember(holder.id, { committed: false, reason: "the store was reset" });
    this.#holder = undefined;
    for (const done of holder.ending?.done ?? []) done(noSuchTransaction("the store was reset"));
    this.#pump();
  }

  #admit(transaction: string | undefined): Promise<void> {
    return new Promise((admit) => {
      this.#queue.push({ transaction, admit });
      this.#pump();
    });
  }

  /** Lets in what may run now, in order of arrival: calls while no transaction holds the store, a transaction once no call runs. */
  #pump(): void {
    while (this.#holder === undefined) {
      const next = this.#queue[0];
      if (next === undefined) return;
      if (next.transaction === undefined) {
        this.#queue.shift();
        this.#active += 1;
        next.admit();
        continue;
      }
      if (this.#active > 0) return;
      this.#queue.shift();
      this.#start(next.transaction);
      next.admit();
    }
    // the holder's own operations that queued before it started
    for (let i = 0; i < this.#queue.length;) {
      const w = this.#queue[i];
      if (w !== undefined && w.transaction === this.#holder.id) {
        this.#queue.splice(i, 1);
        w.admit();
      } else i += 1;
    }
  }

  #start(id: string): void {
    this.#reg.defer();
    const holder: Holder = { id, inflight: 0, ending: undefined, timer: undefined };
    holder.timer = setTimeout(() => {
      void this.#end(holder, false, `it exceeded its time limit of ${this.#lifetimeMs} ms`).catch(() => undefined);
    }, this.#lifetimeMs);
    holder.timer.unref();
    this.#holder = holder;
  }

  #end(holder: Holder, commit: boolean, reason: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => (err === undefined ? resolve() : reject(err));
      if (holder.ending === undefined) holder.ending = { commit, reason, done: [done] };
      else if (holder.ending.commit === commit || !commit) holder.ending.done.push(done);
      else return reject(noSuchTransaction(holder.ending.reason));
      this.#settle(holder);
    });
  }

  /** Ends the holder once it is to end and its operations have ended; then lets the others in. */
  #settle(holder: Holder): void {
    const ending = holder.ending;
    if (ending === undefined || holder.inflight > 0 || this.#holder !== holder) return;
    clearTimeout(holder.timer);
    let error: Error | undefined;
    if (ending.commit) {
      try {
        this.#reg.persist();
        this.#remember(holder.id, { committed: true });
      } catch (err) {
        error = new ServerError(500, "InternalServerError", `the transaction could not be committed: ${(err as Error).message}`);
        this.#remember(holder.id, { committed: false, reason: "its commit failed" });
      }
    } else {
      this.#reg.undo();
      this.#remember(holder.id, { committed: false, reason: ending.reason });
    }
    this.#holder = undefined;
    for (const done of ending.done) done(error);
    this.#pump();
  }

  #remember(id: string, ended: Ended): void {
    this.#ended.set(id, ended);
    if (this.#ended.size > REMEMBERED_ENDS) {
      const oldest = this.#ended.keys().next().value;
      if (oldest !== undefined) this.#ended.delete(oldest);
    }
  }
}
