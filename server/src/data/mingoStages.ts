/**
 * The stages and projection operators of mingo this server runs through a wrapper: `$match`,
 * `$graphLookup`'s `restrictSearchWithMatch` and the `$elemMatch` projection over the server's
 * filter parsing ({@link parsedFilter}), `$setWindowFields` with scripts enabled for mingo's own
 * code only, and `$project` in MongoDB's field order. mingoOptions.ts puts them in the context.
 * @packageDocumentation
 */
import type { Context } from "mingo/core";
import type { Iterator } from "mingo/lazy";
import * as pipelineOperators from "mingo/operators/pipeline";
import * as projectionOperators from "mingo/operators/projection";
import type { AnyObject, Options } from "mingo/types";
import { regexQueryFilter } from "./bsonRegexQuery.js";
import { isPlainObject } from "./bsonValues.js";
import { inOrderOf, projectionTree } from "./projectionOrder.js";
import { withoutComments } from "./queryChecks.js";

type PipelineOperator = (collection: Iterator, expr: unknown, options: Options) => Iterator;

/**
 * `$setWindowFields`: mingo builds it on an internal `$function` whose body is one of its own
 * functions, so it runs with scripts enabled inside this stage only. That lets no request run code:
 * a `$function`, `$accumulator` or `$where` body from a request is never a JavaScript function
 * (JSON and BSON cannot carry one), and mingo refuses any other body. The variables in scope (a
 * `$lookup`'s `let`) are kept: the options rebuilt here lost them ("Use of undefined variable").
 * @param windowContext - the operators the stage runs with (the server's, with accumulators that
 *   compute each window once, windowMemo.ts); read when the stage runs
 */
export const windowFieldsStage =
  (windowContext: () => Context): PipelineOperator =>
  (collection, expr, options) => {
    // mingo hands stages its options object, whose settings (this server's context included) are in
    // `options` and whose variables of the moment (a `$lookup`'s `let`) are in `local`: both carried on
    const { options: inner, local } = options as unknown as { options?: Options; local?: { variables?: AnyObject } };
    const settings = inner ?? options;
    const variables = { ...settings.variables, ...local?.variables };
    return (pipelineOperators.$setWindowFields as unknown as PipelineOperator)(collection, expr, {
      ...settings,
      context: windowContext(),
      scriptEnabled: true,
      variables,
    });
  };

/**
 * `$project` with the fields in MongoDB's order: the input document's, then the computed ones in
 * the projection's order (mingo put `_id` last).
 */
export const projectStage: PipelineOperator = (collection, expr, options) => {
  const spec = isPlainObject(expr) ? expr : {};
  const tree = projectionTree(spec, false);
  // mingo's `$project` maps each document in turn, so the one taken last is the one projected
  let source: AnyObject | undefined;
  const tapped = collection.map((doc) => (source = doc as AnyObject));
  return (pipelineOperators.$project as unknown as PipelineOperator)(tapped, expr, options).map((out) =>
    isPlainObject(out) ? inOrderOf(out, source, tree) : out,
  );
};

/**
 * A filter as MongoDB parses it before mingo compiles it: `$comment` dropped (queryChecks.ts), and
 * `$regex` with `$options` compiled as PCRE with MongoDB's checks (bsonRegexQuery.ts), where mingo
 * made a JavaScript RegExp of them.
 * @param filter - a filter (not modified)
 */
export function parsedFilter<T>(filter: T): T {
  return regexQueryFilter(withoutComments(filter));
}

/** `$match` over {@link parsedFilter}, so that `$lookup` and `$facet` sub-pipelines are covered too. */
export const matchStage: PipelineOperator = (collection, expr, options) =>
  (pipelineOperators.$match as unknown as PipelineOperator)(collection, parsedFilter(expr), options);

/** `$graphLookup` with its `restrictSearchWithMatch` over {@link parsedFilter} (mingo compiles it with its own `Query`). */
export const graphLookupStage: PipelineOperator = (collection, expr, options) =>
  (pipelineOperators.$graphLookup as unknown as PipelineOperator)(
    collection,
    isPlainObject(expr) && isPlainObject(expr.restrictSearchWithMatch)
      ? { ...expr, restrictSearchWithMatch: parsedFilter(expr.restrictSearchWithMatch) }
      : expr,
    options,
  );

type ProjectionOperator = (obj: unknown, expr: unknown, field: string, options: Options) => unknown;

/** The `$elemMatch` projection over {@link parsedFilter} (mingo compiles it with its own `Query`). */
export const elemMatchProjection: ProjectionOperator = (obj, expr, field, options) =>
  (projectionOperators.$elemMatch as unknown as ProjectionOperator)(obj, parsedFilter(expr), field, options);
