/**
 * Helpers for the tests of accumulators and window functions: one accumulator over groups, one
 * window function over partitions, one expression in `$project`, run by the server's engine.
 * @packageDocumentation
 */
import { Aggregator } from "../src/data/mingoOptions.js";

/** A document of these tests. */
export type Row = Record<string, unknown>;

/**
 * `r` of each group of `input` by `g`, in `g` order.
 * @param acc - the accumulator object (`{$push: "$v"}`)
 * @param input - the documents
 */
export function grouped(acc: unknown, input: Row[]): unknown[] {
  return new Aggregator([{ $group: { _id: "$g", r: acc } }, { $sort: { _id: 1 } }]).run<Row>(input).map((row) => row.r);
}

/**
 * `r` of each document: the window function `output` over partitions by `g`, sorted by `_id`.
 * @param output - the window function's specification
 * @param input - the documents
 */
export function windowed(output: Row, input: Row[]): unknown[] {
  return new Aggregator([{ $setWindowFields: { partitionBy: "$g", sortBy: { _id: 1 }, output: { r: output } } }, { $sort: { _id: 1 } }])
    .run<Row>(input)
    .map((row) => row.r);
}

/**
 * The value of an expression in `$project`.
 * @param expr - the expression
 * @param doc - the input document
 */
export function projected(expr: unknown, doc: Row = {}): unknown {
  return (new Aggregator([{ $project: { _id: 0, v: expr } }]).run<Row>([doc])[0] as Row).v;
}
