/**
 * The cursor that `find()` and `aggregate()` return to functions, as App Services documents it:
 * `sort`, `skip` and `limit` shape the query until the first `next()` or `toArray()` runs it;
 * `next()` then hands out one document at a time (`undefined` once exhausted) and `toArray()` the
 * rest. Awaiting the cursor itself gives `toArray()`.
 * @packageDocumentation
 */

type Obj = Record<string, unknown>;

/** What shapes a query: the cursor's `sort`, `skip` and `limit` (0 or absent: no limit). */
export interface CursorShape {
  sort?: Obj;
  skip?: number;
  limit?: number;
}

/** A cursor as functions see it. */
export interface FindCursor extends PromiseLike<Obj[]> {
  /** Sorts the results. @throws Error once the cursor has been read */
  sort(sort: Obj): FindCursor;
  /** Omits the first `amount` results (after sorting, before the limit). @throws Error for a negative or non-integer amount, or once the cursor has been read */
  skip(amount: number): FindCursor;
  /** Returns at most `limit` results (0: no limit; negative: its absolute value). @throws Error once the cursor has been read */
  limit(limit: number): FindCursor;
  /** The next document, or `undefined` when the cursor is exhausted. */
  next(): Promise<Obj | undefined>;
  /** Every document not yet returned by `next()`. */
  toArray(): Promise<Obj[]>;
}

class Cursor implements FindCursor {
  private readonly shape: CursorShape = {};
  private rows: Promise<Obj[]> | undefined;

  constructor(private readonly run: (shape: CursorShape) => Promise<Obj[]>) {}

  sort(sort: Obj): FindCursor {
    this.unread("sort").sort = sort;
    return this;
  }

  skip(amount: number): FindCursor {
    if (!Number.isInteger(amount) || amount < 0) throw new Error(`cursor.skip() takes a non-negative integer, not ${String(amount)}`);
    this.unread("skip").skip = amount;
    return this;
  }

  limit(limit: number): FindCursor {
    if (!Number.isInteger(limit)) throw new Error(`cursor.limit() takes an integer, not ${String(limit)}`);
    this.unread("limit").limit = Math.abs(limit);
    return this;
  }

  async next(): Promise<Obj | undefined> {
    return (await this.read()).shift();
  }

  async toArray(): Promise<Obj[]> {
    return (await this.read()).splice(0);
  }

  then<A = Obj[], B = never>(
    onFulfilled?: ((value: Obj[]) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.toArray().then(onFulfilled, onRejected);
  }

  private read(): Promise<Obj[]> {
    this.rows ??= this.run({ ...this.shape });
    return this.rows;
  }

  private unread(method: string): CursorShape {
    if (this.rows) throw new Error(`cursor.${method}() cannot be called after next() or toArray()`);
    return this.shape;
  }
}

/**
 * A cursor over a query that runs once, on first read.
 * @param run - runs the query with the cursor's shape
 */
export function createCursor(run: (shape: CursorShape) => Promise<Obj[]>): FindCursor {
  return new Cursor(run);
}

/**
 * The stages that put a cursor's shape at the end of an aggregation pipeline: sort, skip, limit.
 * @param shape - the cursor's shape
 */
export function shapeStages(shape: CursorShape): Obj[] {
  return [
    ...(shape.sort ? [{ $sort: shape.sort }] : []),
    ...(shape.skip ? [{ $skip: shape.skip }] : []),
    ...(shape.limit ? [{ $limit: shape.limit }] : []),
  ];
}
