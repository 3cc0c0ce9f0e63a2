/**
 * Rule expressions (App Services' JSON expression language) compiled to mingo queries.
 *
 * An expression is `true`, `false` or an object whose fields must all hold. A field name is a
 * document field (`owner_id`, read as `%%root.owner_id`), an expansion (`%%user.id`, `%%true`) or a
 * logical operator (`%and`, `%or`, `%nor`, `%not`, and their `$` forms); its value is a literal
 * (MongoDB equality, so an array field matches one of its elements, and an expansion that yields an
 * array matches any of its elements), an operator document (`$in`, `%exists`, `$gt`, …, field-level
 * `%and`/`%or`), a value operator (`%stringToOid`, …) or `%function`.
 *
 * The expression becomes a mingo query over a subject `{r: root, p: prevRoot, t: this, q: prev,
 * k0…kn: expansion values}`, compiled once per request unless its values read the document.
 * @packageDocumentation
 */
import { Query } from "../data/mingoOptions.js";
import { isPlainObject, type Doc } from "../data/bsonValues.js";
import { ruleEvaluationError } from "./errors.js";
import {
  DOCUMENT_EXPANSIONS,
  Literal,
  NoMatch,
  VALUE_OPERATORS,
  expandValue,
  isExpansion,
  parseExpansion,
  readsDocument,
  type DocumentScope,
  type ExpansionContext,
} from "./expansions.js";

/** A rule expression as written in the app's files. */
export type ExpressionSource = boolean | Record<string, unknown>;

export const LOGICAL = new Map([
  ["%and", "$and"],
  ["$and", "$and"],
  ["%or", "$or"],
  ["$or", "$or"],
  ["%nor", "$nor"],
  ["$nor", "$nor"],
]);
export const NOT = new Set(["%not", "$not"]);
/** Query operators an expression may apply to a field (the `%` spelling is an alias). */
export const FIELD_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$type",
  "$size",
  "$all",
  "$elemMatch",
  "$mod",
  "$regex",
  "$options",
]);
const DOC_ROOTS: Record<string, string> = { root: "r", prevRoot: "p", this: "t", prev: "q" };

type Criteria = Record<string, unknown>;

/** A translation of an expression: a constant, or a query plus the values of its synthetic keys. */
type Translation = { constant: boolean } | { query: Criteria; statics: Record<string, unknown> };

class Translator {
  readonly statics: Record<string, unknown> = {};
  private next = 0;

  constructor(
    private readonly ctx: ExpansionContext,
    private readonly scope: DocumentScope,
  ) {}

  expression(expr: unknown): Criteria | boolean {
    if (typeof expr === "boolean") return expr;
    if (!isPlainObject(expr)) throw new Error("an expression must be a boolean or an object");
    const clauses: Criteria[] = [];
    for (const [key, value] of Object.entries(expr)) {
      const clause = this.field(key, value);
      if (clause === false) return false;
      if (clause !== true) clauses.push(clause);
    }
    if (clauses.length === 0) return true;
    return clauses.length === 1 ? (clauses[0] as Criteria) : { $and: clauses };
  }

  private field(key: string, value: unknown): Criteria | boolean {
    const logical = LOGICAL.get(key);
    if (logical) return this.logical(logical, value);
    if (NOT.has(key)) return negate(this.expression(value));
    return this.condition(this.path(key), value);
  }

  private logical(op: string, value: unknown): Criteria | boolean {
    if (!Array.isArray(value)) throw new Error(`${op} needs an array of expressions`);
    return combine(
      op,
      value.map((e) => this.expression(e)),
    );
  }

  /** The subject path a field name reads: a document path, or a synthetic key holding an expansion's value. */
  private path(key: string): string {
    if (!key.startsWith("%%")) return `r.${key}`; // not an expansion
    const { root, path } = parseExpansion(key);
    const base = DOC_ROOTS[root];
    if (base !== undefined) return [base, ...path].join(".");
    const slot = `k${this.next++}`;
    const value = expandValue(key, this.ctx, this.scope);
    if (value !== undefined) this.statics[slot] = value;
    return slot;
  }

  private condition(path: string, value: unknown): Criteria | boolean {
    if (isOperatorDocument(value)) return this.operators(path, value);
    if (isEmbeddedExpression(value)) {
      // "a field's value is an embedded expression: it evaluates to the same value as the embedded
      // expression", so `{"%%true": {"%%user.id": "x"}}` holds when the user is x
      const inner = this.expression(value);
      return combine("$or", [combine("$and", [{ [path]: true }, inner]), combine("$and", [{ [path]: false }, negate(inner)])]);
    }
    const expanded = expandValue(value, this.ctx, this.scope);
    if (isExpansion(value) && Array.isArray(expanded)) return { $or: [{ [path]: expanded }, { [path]: { $in: expanded } }] };
    return { [path]: expanded };
  }

  private operators(path: string, ops: Record<string, unknown>): Criteria | boolean {
    const clauses: Criteria[] = [];
    const plain: Criteria = {};
    for (const [op, operand] of Object.entries(ops)) {
      if (VALUE_OPERATORS.has(op) || op === "%function") {
        clauses.push({ [path]: expandValue({ [op]: operand }, this.ctx, this.scope) });
      } else if (LOGICAL.has(op)) {
        if (!Array.isArray(operand)) throw new Error(`${op} needs an array`);
        const combined = combine(
          LOGICAL.get(op) as string,
          operand.map((o) => this.condition(path, o)),
        );
        if (combined === false) return false;
        if (combined !== true) clauses.push(combined);
      } else if (NOT.has(op)) {
        const inner = negate(this.condition(path, operand));
        if (inner === false) return false;
        if (inner !== true) clauses.push(inner);
      } else {
        const name = op.startsWith("%") ? `$${op.slice(1)}` : op;
        if (!FIELD_OPERATORS.has(name)) throw new Error(`unknown operator ${op}`);
        plain[name] = expandValue(operand, this.ctx, this.scope);
      }
    }
    if (Object.keys(plain).length > 0) clauses.push({ [path]: plain });
    if (clauses.length === 0) return true;
    return clauses.length === 1 ? (clauses[0] as Criteria) : { $and: clauses };
  }
}

/** Combines translated parts with `$and`, `$or` or `$nor`, folding constants. */
function combine(op: string, parts: (Criteria | boolean)[]): Criteria | boolean {
  const rest = parts.filter((p): p is Criteria => typeof p !== "boolean");
  if (op === "$and") {
    if (parts.includes(false)) return false;
    return rest.length === 0 ? true : { $and: rest };
  }
  if (op === "$or") {
    if (parts.includes(true)) return true;
    return rest.length === 0 ? false : { $or: rest };
  }
  if (parts.includes(true)) return false;
  return rest.length === 0 ? true : { $nor: rest };
}

function negate(c: Criteria | boolean): Criteria | boolean {
  return typeof c === "boolean" ? !c : { $nor: [c] };
}

/** True for a plain object (not a `%function` result) with at least one key, every key passing `test`. */
function everyKey(value: unknown, test: (key: string) => boolean): value is Record<string, unknown> {
  if (!isPlainObject(value) || value instanceof Literal) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every(test);
}

/** An object whose every key is an expansion (`{"%%user.id": "x"}`): an expression embedded as a field's value, not a value to compare. */
function isEmbeddedExpression(value: unknown): value is Record<string, unknown> {
  return everyKey(value, (k) => k.startsWith("%%"));
}

function isOperatorDocument(value: unknown): value is Record<string, unknown> {
  return everyKey(value, (k) => k.startsWith("$") || (k.startsWith("%") && !k.startsWith("%%")));
}

function translate(expr: unknown, ctx: ExpansionContext, scope: DocumentScope): Translation {
  const t = new Translator(ctx, scope);
  const query = t.expression(expr);
  return typeof query === "boolean" ? { constant: query } : { query, statics: t.statics };
}

function containsFunction(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsFunction);
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => k === "%function" || containsFunction(v));
  return false;
}

/** True if any operand or literal of the expression reads the document (so it is compiled per document). */
function valuesReadDocument(expr: unknown): boolean {
  if (!isPlainObject(expr)) return false;
  return Object.entries(expr).some(([k, v]) => {
    if (LOGICAL.has(k)) return Array.isArray(v) && v.some(valuesReadDocument);
    if (NOT.has(k)) return valuesReadDocument(v);
    if (isExpansion(k) && !DOCUMENT_EXPANSIONS.has(parseExpansion(k).root)) return readsDocument(v);
    return readsDocument(v);
  });
}

/** A compiled rule expression. */
export class RuleExpression {
  /** The value of an expression that needs no evaluation (`true`, `false`, `{}`), else undefined. */
  readonly constant: boolean | undefined;
  private readonly usesFunction: boolean;
  private readonly perDocument: boolean;
  private readonly cache = new WeakMap<ExpansionContext, Translation>();

  /**
   * @param source - the expression as written
   * @param where - where it comes from, for error messages (e.g. `rules.json of demo.todos, role "owner", read`)
   */
  constructor(
    readonly source: ExpressionSource,
    readonly where: string,
  ) {
    this.constant = typeof source === "boolean" ? source : Object.keys(source).length === 0 ? true : undefined;
    this.usesFunction = containsFunction(source);
    this.perDocument = valuesReadDocument(source);
  }

  /**
   * Evaluates the expression.
   * @param ctx - the request's expansions (one object per request: translations are cached on it)
   * @param scope - the document's expansions
   * @returns true or false (a promise when the expression calls `%function`)
   * @throws ServerError `InternalServerError` if the expression cannot be evaluated, or whatever a `%function` throws
   */
  evaluate(ctx: ExpansionContext, scope: DocumentScope = {}): boolean | Promise<boolean> {
    if (this.constant !== undefined) return this.constant;
    if (this.usesFunction)
      return resolveFunctions(this.source, ctx, scope).then((expr) => this.test(translateSafe(expr, ctx, scope, this.where), scope));
    let translation = this.perDocument ? undefined : this.cache.get(ctx);
    if (translation === undefined) {
      translation = translateSafe(this.source, ctx, scope, this.where);
      if (!this.perDocument) this.cache.set(ctx, translation);
    }
    return this.test(translation, scope);
  }

  private test(translation: Translation, scope: DocumentScope): boolean {
    if ("constant" in translation) return translation.constant;
    const subject: Doc = { ...translation.statics };
    if (scope.root !== undefined) subject.r = scope.root;
    if (scope.prevRoot !== undefined) subject.p = scope.prevRoot;
    if (scope.this !== undefined) subject.t = scope.this;
    if (scope.prev !== undefined) subject.q = scope.prev;
    try {
      return compiled(translation).test(subject);
    } catch (err) {
      throw ruleEvaluationError(this.where, (err as Error).message);
    }
  }
}

const queries = new WeakMap<Criteria, Query>();
function compiled(translation: { query: Criteria }): Query {
  let q = queries.get(translation.query);
  if (!q) queries.set(translation.query, (q = new Query(translation.query, {})));
  return q;
}

function translateSafe(expr: unknown, ctx: ExpansionContext, scope: DocumentScope, where: string): Translation {
  try {
    return translate(expr, ctx, scope);
  } catch (err) {
    if (err instanceof NoMatch) return { constant: false };
    throw ruleEvaluationError(where, (err as Error).message);
  }
}

async function resolveFunctions(value: unknown, ctx: ExpansionContext, scope: DocumentScope): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveFunctions(v, ctx, scope)));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "%function") {
    const spec = value["%function"] as { name: string; arguments?: unknown[] };
    if (!ctx.callFunction) throw ruleEvaluationError("%function", "functions are not available here");
    let args: unknown[];
    try {
      args = (expandValue(await resolveFunctions(spec.arguments ?? [], ctx, scope), ctx, scope) as unknown[]) ?? [];
    } catch (err) {
      if (err instanceof NoMatch) return new Literal(undefined);
      throw err;
    }
    return new Literal(await ctx.callFunction(spec.name, args));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await resolveFunctions(v, ctx, scope);
  return out;
}
