/**
 * Multi-document transactions of functions (`session.withTransaction`, `startTransaction` …
 * `commitTransaction`), made serializable the simple way: a transaction runs alone. Its first
 * operation waits until the calls in progress have ended and keeps every other call of the MongoDB
 * service waiting until the transaction commits or aborts. Its writes change memory only (the store
 * defers them: `CollectionRegistry.defer`); the commit persists them in one SQLite transaction and
 * then publishes their change events; an abort drops the collections it wrote from memory, to be
 * read again from SQLite. So no other caller, watch stream or trigger sees a part of a
 * transaction, and a crash in the middle leaves none of it on disk.
 *
 * A transaction waits at most its lifetime (the functions' time limit) to start, and lives at most
 * that long once started: then it is aborted, and what waited goes on. An operation of it that
 * fails aborts it, as MongoDB does. Calls made within an admitted call (a rule's `%function`) are
 * not queued: the call that made them holds the store's turn already.
 * @packageDocumentation
 */
import { ServerError } from "../contracts.js";
import type { CollectionRegistry } from "./collection.js";

/** The transaction ids remembered as ended (so that their later operations fail clearly). */
const REMEMBERED_ENDS = 10_000;

/** A request to end the holder: to commit (unless an abort came too), and who waits for the end. */
interface Ending {
  commit: boolean;
  reason: string;
  waiting: { wantsCommit: boolean; resolve: () => void; reject: (err: Error) => void }[];
}

interface Holder {
  id: string;
  /** Its operations in progress. */
  inflight: number;
  /** Set when it is to end: no new operation starts; the end happens when `inflight` is 0. */
  ending: Ending | undefined;
  timer: NodeJS.Timeout | undefined;
}

interface Waiter {
  /** The transaction that waits to start, or undefined for a call outside transactions. */
  transaction: string | undefined;
  admit: () => void;
  refuse: (err: Error) => void;
  timer?: NodeJS.Timeout;
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
  #closed = false;

  /**
   * @param reg - the store's collections
   * @param lifetimeMs - how long a transaction may wait to start, and then hold the store
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
   * @param within - true for a call made within an admitted call (a rule's `%function`): it runs at once
   * @param run - the call
   * @param deadline - when the function that makes the call gives up on it (epoch ms), if it does:
   * a call still waiting then is refused, and a transaction still waiting to start never starts
   * @returns what the call returns
   * @throws ServerError `MongoDBError` `NoSuchTransaction` for an operation of a transaction that has
   * ended (committed, or aborted by its lifetime, a failed operation or `abortTransaction`) or is
   * ending, or that waited its lifetime (or its deadline) to start; 400 `ExecutionTimeLimitExceeded`
   * for a call that waited past its deadline; 503 `ServiceUnavailable` once closed; whatever the
   * call throws (which aborts its transaction)
   */
  async run<T>(transaction: string | undefined, within: boolean, run: () => Promise<T>, deadline?: number): Promise<T> {
    if (within && transaction !== undefined && this.#holder?.id !== transaction) {
      // a rule's %function cannot start a transaction, nor use one that has ended
      const ended = this.#ended.get(transaction);
      throw ended !== undefined
        ? endedError(ended)
        : new ServerError(400, "MongoDBError", "a transaction cannot start in a function that a rule's %function runs");
    }
    if (transaction === undefined) {
      if (within) return run();
      // the common case, no transaction anywhere: in at once, without a promise of its own
      if (this.#holder === undefined && this.#queue.length === 0 && !this.#closed) this.#active += 1;
      else await this.#admit(undefined, deadline);
      try {
        return await run();
      } finally {
        this.#active -= 1;
        this.#pump();
      }
    }
    const ended = this.#ended.get(transaction);
    if (ended !== undefined) throw endedError(ended);
    if (this.#holder?.id !== transaction) await this.#admit(transaction, deadline);
    const holder = this.#holder;
    if (holder?.id !== transaction) throw endedError(this.#ended.get(transaction) ?? { committed: false, reason: "it ended" });
    // (an operation in progress may still run its rule's %function while the commit waits for it)
    if (holder.ending !== undefined && !within) {
      throw holder.ending.commit
        ? new ServerError(400, "MongoDBError", "NoSuchTransaction: the transaction is being committed")
        : noSuchTransaction(holder.ending.reason);
    }
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
   * Commits a transaction once its operations in progress have ended; one whose operations still
   * wait to start, once they have run. A transaction that ran no operation commits at once.
   * @throws ServerError `MongoDBError` `NoSuchTransaction` if it was aborted (or is aborted before its
   * commit completes, or waited its lifetime to start); 500 if its writes cannot be persisted (it
   * is aborted then)
   */
  async commit(transaction: string): Promise<void> {
    const ended = this.#ended.get(transaction);
    if (ended !== undefined) {
      if (ended.committed) return;
      throw endedError(ended);
    }
    if (this.#holder?.id !== transaction && this.#queue.some((w) => w.transaction === transaction)) {
      // admitted after its operations, which queued first
      await this.#admit(transaction);
    }
    const holder = this.#holder;
    if (holder?.id === transaction) return this.#end(holder, true, "");
    this.#forget(transaction, { committed: true });
  }

  /** Aborts a transaction (nothing happens for one that has ended); its waiting operations fail. */
  abort(transaction: string): Promise<void> {
    const holder = this.#holder;
    if (holder?.id === transaction) return this.#end(holder, false, "abortTransaction was called").catch(() => undefined);
    if (!this.#ended.has(transaction)) this.#forget(transaction, { committed: false, reason: "abortTransaction was called" });
    return Promise.resolve();
  }

  /** Ends whatever transaction is in progress, without undoing it: the store is being wiped. */
  reset(): void {
    const holder = this.#holder;
    if (holder === undefined) return;
    this.#release(holder, { committed: false, reason: "the store was reset" });
    this.#answer(holder, noSuchTransaction("the store was reset"));
    this.#pump();
  }

  /** Aborts the transaction in progress and refuses every waiting call (the service is closing). */
  close(): void {
    this.#closed = true;
    const holder = this.#holder;
    if (holder !== undefined) {
      this.#reg.undo();
      this.#release(holder, { committed: false, reason: "the service closed" });
      this.#answer(holder, noSuchTransaction("the service closed"));
    }
    for (const w of this.#queue.splice(0)) {
      clearTimeout(w.timer);
      w.refuse(new ServerError(503, "ServiceUnavailable", "the MongoDB service is closed"));
    }
  }

  #admit(transaction: string | undefined, deadline?: number): Promise<void> {
    if (this.#closed) return Promise.reject(new ServerError(503, "ServiceUnavailable", "the MongoDB service is closed"));
    return new Promise((admit, refuse) => {
      const waiter: Waiter = { transaction, admit, refuse };
      this.#queue.push(waiter);
      this.#pump();
      if (!this.#queue.includes(waiter)) return; // let in at once: no timer
      // a call whose function has given up on it (its time limit passed) must not run later
      const untilDeadline = deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, deadline - Date.now());
      if (transaction !== undefined) {
        const waitMs = Math.min(this.#lifetimeMs, untilDeadline);
        waiter.timer = setTimeout(() => {
          this.#forget(transaction, { committed: false, reason: `it waited ${Math.round(waitMs)} ms to start` });
        }, waitMs);
      } else if (deadline !== undefined) {
        waiter.timer = setTimeout(() => {
          const at = this.#queue.indexOf(waiter);
          if (at < 0) return;
          this.#queue.splice(at, 1);
          refuse(
            new ServerError(
              400,
              "ExecutionTimeLimitExceeded",
              "the call waited for a transaction until its function's time limit: it did not run",
            ),
          );
          this.#pump();
        }, untilDeadline);
      }
      waiter.timer?.unref();
    });
  }

  /** Lets in what may run now, in order of arrival: calls while no transaction holds the store, a transaction once no call runs. */
  #pump(): void {
    while (this.#holder === undefined) {
      const next = this.#queue[0];
      if (next === undefined) return;
      if (next.transaction === undefined) {
        this.#queue.shift();
        clearTimeout(next.timer);
        this.#active += 1;
        next.admit();
        continue;
      }
      if (this.#active > 0) return;
      this.#queue.shift();
      clearTimeout(next.timer);
      this.#start(next.transaction);
      next.admit();
    }
    // the holder's own operations that queued before it started
    for (let i = 0; i < this.#queue.length;) {
      const w = this.#queue[i];
      if (w !== undefined && w.transaction === this.#holder.id) {
        this.#queue.splice(i, 1);
        clearTimeout(w.timer);
        w.admit();
      } else i += 1;
    }
  }

  /** Records a transaction that did not start (or has ended) as ended, and fails its waiting operations. */
  #forget(transaction: string, ended: Ended): void {
    this.#remember(transaction, ended);
    for (let i = 0; i < this.#queue.length;) {
      const w = this.#queue[i];
      if (w !== undefined && w.transaction === transaction) {
        this.#queue.splice(i, 1);
        clearTimeout(w.timer);
        w.refuse(endedError(ended));
      } else i += 1;
    }
    this.#pump();
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

  /** Asks the holder to end; any abort request wins over a pending commit. */
  #end(holder: Holder, commit: boolean, reason: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = { wantsCommit: commit, resolve, reject };
      if (holder.ending === undefined) holder.ending = { commit, reason, waiting: [entry] };
      else {
        holder.ending.waiting.push(entry);
        if (!commit && holder.ending.commit) Object.assign(holder.ending, { commit: false, reason });
      }
      this.#settle(holder);
    });
  }

  /** Ends the holder once it is to end and its operations have ended; then lets the others in. */
  #settle(holder: Holder): void {
    const ending = holder.ending;
    if (ending === undefined || holder.inflight > 0 || this.#holder !== holder) return;
    let ended: Ended = ending.commit ? { committed: true } : { committed: false, reason: ending.reason };
    let failure: Error | undefined;
    try {
      if (ending.commit) this.#reg.persist();
      else this.#reg.undo();
    } catch (err) {
      // persist() undid the transaction
      failure = new ServerError(500, "InternalServerError", `the transaction could not be committed: ${(err as Error).message}`);
      ended = { committed: false, reason: "its commit failed" };
    } finally {
      this.#release(holder, ended);
    }
    for (const w of ending.waiting) {
      if (!w.wantsCommit || ended.committed) w.resolve();
      else w.reject(failure ?? endedError(ended));
    }
    this.#pump();
  }

  /** Answers those waiting for an ending that will not happen: commits fail, aborts are done. */
  #answer(holder: Holder, err: Error): void {
    for (const w of holder.ending?.waiting ?? []) {
      if (w.wantsCommit) w.reject(err);
      else w.resolve();
    }
  }

  #release(holder: Holder, ended: Ended): void {
    clearTimeout(holder.timer);
    this.#remember(holder.id, ended);
    if (this.#holder === holder) this.#holder = undefined;
  }

  #remember(id: string, ended: Ended): void {
    this.#ended.set(id, ended);
    if (this.#ended.size > REMEMBERED_ENDS) {
      const oldest = this.#ended.keys().next().value;
      if (oldest !== undefined) this.#ended.delete(oldest);
    }
  }
}
