/**
 * `client.startSession()` for functions: a session whose transaction groups the operations that
 * pass it (`{ session }`), with the Node driver's methods (`startTransaction`, `commitTransaction`,
 * `abortTransaction`, `withTransaction`, `endSession`, `inTransaction`). The MongoDB service runs
 * the transaction (data/transactions.ts); this side names it and ends it.
 * @packageDocumentation
 */
import { randomUUID } from "node:crypto";
import type { Caller, MongoService } from "../contracts.js";

type Obj = Record<string, unknown>;

interface SessionState {
  transaction: string | undefined;
  ended: boolean;
}

/** The sessions' state, out of reach of function code. */
const states = new WeakMap<object, SessionState>();

/** A client session, as `startSession()` returns it. */
export interface FunctionSession {
  /** True while a transaction is in progress. */
  inTransaction(): boolean;
  /** True once `endSession()` was called. */
  readonly hasEnded: boolean;
  /**
   * Starts a transaction: the operations given `{ session }` until its commit or abort are part of it.
   * @throws Error if a transaction is in progress or the session has ended
   */
  startTransaction(options?: Obj): void;
  /**
   * Commits the transaction: its writes become visible to everyone at once.
   * @throws Error (as a rejection) without a transaction; `NoSuchTransaction` if it was aborted
   */
  commitTransaction(): Promise<void>;
  /** Aborts the transaction, if one is in progress: none of its writes stay. */
  abortTransaction(): Promise<void>;
  /**
   * Runs `callback` in a new transaction, commits it if the callback resolves (and did not end it
   * itself) and aborts it if the callback throws.
   * @returns what the callback returns
   * @throws whatever the callback throws, or the commit's error
   */
  withTransaction<T>(callback: (session: FunctionSession) => Promise<T> | T, options?: Obj): Promise<T>;
  /** Ends the session, aborting its transaction if one is in progress. */
  endSession(): Promise<void>;
}

/**
 * Starts a session on a MongoDB service.
 * @param mongo - the service (its `transaction` ends transactions)
 * @throws Error if the service runs no transactions
 */
export function startSession(mongo: MongoService): FunctionSession {
  const end = mongo.transaction?.bind(mongo);
  if (end === undefined) throw new Error("transactions are not available here");
  const state: SessionState = { transaction: undefined, ended: false };
  const session: FunctionSession = {
    inTransaction: () => state.transaction !== undefined,
    get hasEnded() {
      return state.ended;
    },
    startTransaction() {
      if (state.ended) throw new Error("Cannot use a session that has ended");
      if (state.transaction !== undefined) throw new Error("Transaction already in progress");
      state.transaction = randomUUID();
    },
    async commitTransaction() {
      const id = state.transaction;
      if (id === undefined) throw new Error("No transaction started");
      state.transaction = undefined;
      await end("commit", id);
    },
    async abortTransaction() {
      const id = state.transaction;
      state.transaction = undefined;
      if (id !== undefined) await end("abort", id);
    },
    async withTransaction(callback) {
      session.startTransaction();
      const id = state.transaction;
      let result: Awaited<ReturnType<typeof callback>>;
      try {
        result = await callback(session);
      } catch (err) {
        if (state.transaction === id) await session.abortTransaction().catch(() => undefined);
        throw err;
      }
      if (state.transaction === id) await session.commitTransaction();
      return result;
    },
    async endSession() {
      if (state.transaction !== undefined) await session.abortTransaction().catch(() => undefined);
      state.ended = true;
    },
  };
  states.set(session, state);
  return session;
}

/**
 * The caller of an operation given `options`: with its session's transaction, when it passes a
 * session that has one in progress.
 * @param caller - the function's caller
 * @param options - the operation's options, if any
 */
export function callerWithSession(caller: Caller, options: unknown): Caller {
  if (options === null || typeof options !== "object") return caller;
  const session = (options as { session?: unknown }).session;
  if (session === null || typeof session !== "object") return caller;
  const transaction = states.get(session)?.transaction;
  return transaction === undefined ? caller : { ...caller, transaction };
}

/**
 * The options without `session` (which the service's arguments do not take).
 * @param options - an operation's options
 */
export function withoutSession<T extends object>(options: T | undefined): Omit<T, "session"> | Record<string, never> {
  if (options === undefined) return {};
  const { session: _session, ...rest } = options as T & { session?: unknown };
  return rest;
}
