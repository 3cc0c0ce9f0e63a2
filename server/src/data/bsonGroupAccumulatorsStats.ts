/**
 * The statistical accumulators as MongoDB computes them, in `$group` and as window functions:
 * `$stdDevPop`/`$stdDevSamp` over the numbers of every BSON type taken as doubles (others left out;
 * mingo gave NaN for a sample of one and left Int64/Decimal128 out), `$covariancePop`/
 * `$covarianceSamp` (window functions only) leaving out a document whose pair is not two numbers
 * (mingo gave NaN for the whole partition), `$median`/`$percentile` (MongoDB 7.0) over the numbers
 * of every BSON type with their specification checked as MongoDB's IDL does (`method` required and
 * "approximate"; mingo sorted the numbers as strings: 10 before 9).
 * @packageDocumentation
 */
import type { Options } from "mingo/types";
import { D, fromDecimal, toDecimal } from "./bsonArithmetic.js";
import {
  type AccumulatorOperator,
  asDouble,
  checkUnary,
  type ExpressionOperator,
  inGroupingStage,
  isExpressionForm,
  groupOrExpression,
  oncePerWindow,
  shown,
  valueAgainst,
  valuesOf,
} from "./bsonGroupAccumulatorsArgs.js";
import { bsonType, bsonTypeName, isNumeric } from "./bsonNumbers.js";
import { isPlainObject } from "./bsonValues.js";
import { mongoError } from "./errors.js";

/**
 * `$stdDevPop`/`$stdDevSamp` of values: Welford's algorithm over the numbers as doubles, as
 * accumulator_std_dev.cpp runs it; null for no number (a sample needs two).
 */
function standardDeviation(values: unknown[], sample: boolean): number | null {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const v of values) {
    if (!isNumeric(v)) continue;
    const x = asDouble(v);
    count += 1;
    const delta = x - mean;
    if (delta !== 0) {
      mean += delta / count;
      m2 += delta * (x - mean);
    }
  }
  const adjusted = sample ? count - 1 : count;
  return adjusted <= 0 ? null : Math.sqrt(m2 / adjusted);
}

/**
 * `$stdDevPop` and `$stdDevSamp` over the values their operand took (a single expression's), for
 * windows (windowMemo.ts).
 */
export const statsReducers: Record<string, (values: unknown[]) => unknown> = {
  $stdDevPop: (values) => standardDeviation(values, false),
  $stdDevSamp: (values) => standardDeviation(values, true),
};

function stdDev(name: "$stdDevPop" | "$stdDevSamp"): AccumulatorOperator {
  return (collection, expr, options) => {
    if (isExpressionForm(collection, expr, options)) return statsReducers[name]!(collection);
    checkUnary(name, collection, expr, options);
    return statsReducers[name]!(valuesOf(collection, expr, options));
  };
}

/** A pair `[x, y]` of numbers, as window_function_covariance.cpp's validateValue wants it. */
function isPair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2 && isNumeric(v[0]) && isNumeric(v[1]);
}

/**
 * The sum of the non-finite pairs, as WindowFunctionCovariance adds them to its sum of products
 * (NaN for a NaN or for infinities of both signs, else the infinity).
 */
function nonFiniteTerm(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  const infinities = [x, y].filter((v) => !Number.isFinite(v));
  return infinities.some((v) => v > 0) && infinities.some((v) => v < 0) ? Number.NaN : (infinities[0] as number);
}

/** The arithmetic of a covariance: doubles, or Decimal128 when a Decimal128 is among the values. */
interface Arithmetic<T> {
  of: (v: unknown) => T;
  zero: T;
  plus: (a: T, b: T) => T;
  minus: (a: T, b: T) => T;
  times: (a: T, b: T) => T;
  over: (a: T, n: number) => T;
  result: (a: T) => unknown;
}

const DOUBLES: Arithmetic<number> = {
  of: asDouble,
  zero: 0,
  plus: (a, b) => a + b,
  minus: (a, b) => a - b,
  times: (a, b) => a * b,
  over: (a, n) => a / n,
  result: (a) => a,
};

const DECIMALS: Arithmetic<InstanceType<typeof D>> = {
  of: toDecimal,
  zero: new D(0),
  plus: (a, b) => a.plus(b),
  minus: (a, b) => a.minus(b),
  times: (a, b) => a.times(b),
  over: (a, n) => a.dividedBy(n),
  result: (a) => fromDecimal(a),
};

/**
 * The covariance of the pairs: the online algorithm of window_function_covariance.cpp (the means
 * as sums over counts; the first pair adds nothing), a non-finite pair adding its NaN or infinity
 * to the sum of products without being counted.
 */
function covarianceOf<T>(pairs: Array<[unknown, unknown]>, sample: boolean, arithmetic: Arithmetic<T>): unknown {
  const { of, plus, minus, times, over } = arithmetic;
  let count = 0;
  let special: number | undefined;
  let [sumX, sumY, products] = [arithmetic.zero, arithmetic.zero, arithmetic.zero];
  for (const [x, y] of pairs) {
    const [dx, dy] = [asDouble(x), asDouble(y)];
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) {
      special = (special ?? 0) + nonFiniteTerm(dx, dy);
      continue;
    }
    const [vx, vy] = [of(x), of(y)];
    const deltaX = count === 0 ? undefined : minus(vx, over(sumX, count));
    count += 1;
    sumX = plus(sumX, vx);
    sumY = plus(sumY, vy);
    if (deltaX !== undefined) products = plus(products, times(deltaX, minus(vy, over(sumY, count))));
  }
  if (count === 1 && !sample) return 0;
  const adjusted = sample ? count - 1 : count;
  if (adjusted <= 0) return null;
  return arithmetic.result(special === undefined ? over(products, adjusted) : plus(arithmetic.zero, of(special)));
}

/**
 * `$covariancePop`/`$covarianceSamp` (window functions): {@link covarianceOf} over the documents'
 * pairs, leaving out a document whose value is not two numbers.
 * @throws ServerError 400 `MongoDBError` `unknown group operator` in a grouping stage (only a window function in MongoDB: accumulator_covariance.cpp registers no accumulator)
 */
function covariance(name: "$covariancePop" | "$covarianceSamp"): AccumulatorOperator {
  const sample = name === "$covarianceSamp";
  return (collection, expr, options) => {
    if (inGroupingStage(collection, options)) throw mongoError(`unknown group operator '${name}'`);
    const pairs = (isExpressionForm(collection, expr, options) ? collection : valuesOf(collection, expr, options)).filter(isPair);
    const decimal = pairs.some(([x, y]) => bsonType(x) === "Decimal128" || bsonType(y) === "Decimal128");
    return decimal ? covarianceOf(pairs, sample, DECIMALS) : covarianceOf(pairs, sample, DOUBLES);
  };
}

/** `p` of a percentile as parseP reads it (accumulator_percentile.cpp). */
const P_MESSAGE = "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: ";

/** True when an expression reads the document (a field path or `$$ROOT`/`$$CURRENT`). */
function readsDocument(expr: unknown): boolean {
  if (typeof expr === "string") return /^\$(?!\$)|^\$\$(ROOT|CURRENT)(\.|$)/.test(expr);
  if (Array.isArray(expr)) return expr.some(readsDocument);
  return isPlainObject(expr) && Object.entries(expr).some(([key, v]) => key !== "$literal" && readsDocument(v));
}

/**
 * The percentiles a `$percentile`'s `p` asks for: a constant expression (variables allowed) giving
 * a non-empty array of numbers within [0, 1].
 * @throws ServerError 400 `MongoDBError` otherwise (7750300–7750303)
 */
function percentilesOf(p: unknown, options: Options): number[] {
  if (readsDocument(p)) throw mongoError(`The $percentile 'p' field must be an array of constant values, but found value: ${shown(p)}.`);
  const ps = valueAgainst({}, p, options);
  if (!Array.isArray(ps) || ps.length === 0) throw mongoError(P_MESSAGE + shown(ps));
  return ps.map((v: unknown) => {
    if (!isNumeric(v)) throw mongoError(P_MESSAGE + shown(v));
    const x = asDouble(v);
    if (!(x >= 0 && x <= 1)) throw mongoError(P_MESSAGE + String(x));
    return x;
  });
}

/**
 * `{input, p, method}` (`$median`: no `p`) as the IDL structs AccumulatorPercentileSpec and
 * AccumulatorMedianSpec read it (strict, every field required), and `method` as MongoDB 7.0's
 * validatePercentileMethod accepts it.
 * @throws ServerError 400 `MongoDBError` for a specification that is no document, an unknown or missing field, a `method` other than "approximate", a bad `p`
 */
function parseQuantile(name: "$percentile" | "$median", spec: unknown, options: Options): { input: unknown; ps: number[] } {
  if (!isPlainObject(spec)) throw mongoError(`specification must be an object; found ${name}: ${shown(spec)}`);
  const fields = name === "$percentile" ? ["input", "p", "method"] : ["input", "method"];
  for (const key of Object.keys(spec)) {
    if (!fields.includes(key)) throw mongoError(`BSON field '${name}.${key}' is an unknown field.`);
  }
  if (Object.hasOwn(spec, "method") && typeof spec.method !== "string") {
    throw mongoError(`BSON field '${name}.method' is the wrong type '${bsonTypeName(spec.method)}', expected type 'string'`);
  }
  for (const field of fields) {
    if (!Object.hasOwn(spec, field)) throw mongoError(`BSON field '${name}.${field}' is missing but a required field`);
  }
  if (spec.method !== "approximate") throw mongoError("Currently only 'approximate' can be used as percentile 'method'.");
  return { input: spec.input, ps: name === "$percentile" ? percentilesOf(spec.p, options) : [0.5] };
}

/**
 * The discrete percentiles of the numbers (NaN left out): the value of rank ⌈n·p⌉ − 1 in
 * ascending order (PercentileAlgorithm::computeTrueRank), which MongoDB's t-digest gives exactly
 * while it keeps one centroid per value; null for each when there is no number.
 */
function percentiles(values: unknown[], ps: number[]): Array<number | null> {
  const sorted: number[] = [];
  for (const v of values) {
    if (!isNumeric(v)) continue;
    const x = asDouble(v);
    if (!Number.isNaN(x)) sorted.push(x);
  }
  sorted.sort((a, b) => a - b);
  if (sorted.length === 0) return ps.map(() => null);
  const n = sorted.length;
  return ps.map((p) => sorted[p >= 1 ? n - 1 : Math.max(0, Math.ceil(n * p) - 1)] as number);
}

/** `$percentile`/`$median` as accumulators and window functions. */
function quantile(name: "$percentile" | "$median"): AccumulatorOperator {
  return (collection, expr, options) => {
    const { input, ps } = parseQuantile(name, expr, options);
    const result = oncePerWindow(collection, expr, options, () => percentiles(valuesOf(collection, input, options), ps));
    return name === "$median" ? result[0] : result.slice();
  };
}

/** `$percentile`/`$median` as expressions: of a number, that number; of an array, its numbers; else null. */
function quantileExpression(name: "$percentile" | "$median"): ExpressionOperator {
  return (obj, expr, options) => {
    const { input, ps } = parseQuantile(name, expr, options);
    const value = valueAgainst(obj, input, options);
    let result: Array<number | null>;
    if (isNumeric(value)) result = ps.map(() => asDouble(value));
    else result = percentiles(Array.isArray(value) ? value : [], ps);
    return name === "$median" ? result[0] : result.slice();
  };
}

/**
 * The accumulators of this file.
 * @throws ServerError 400 `MongoDBError` for an array operand of `$stdDevPop`/`$stdDevSamp` in a grouping stage, `$covariancePop`/`$covarianceSamp` in one, a malformed `$median`/`$percentile` specification
 */
export const statsAccumulators: Record<string, AccumulatorOperator> = {
  $stdDevPop: stdDev("$stdDevPop"),
  $stdDevSamp: stdDev("$stdDevSamp"),
  $covariancePop: covariance("$covariancePop"),
  $covarianceSamp: covariance("$covarianceSamp"),
  $percentile: quantile("$percentile"),
  $median: quantile("$median"),
};

/**
 * `$percentile` and `$median` are also expressions, which mingo finds before the accumulators, also
 * in `$group` (handing the expression the group's documents): that call goes to the accumulator.
 * @throws ServerError 400 `MongoDBError` for a malformed specification
 */
export const statsExpressionOperators: Record<string, ExpressionOperator> = Object.fromEntries(
  (["$percentile", "$median"] as const).map((name) => [name, groupOrExpression(quantile(name), quantileExpression(name))]),
);
