/**
 * Expansions of rule expressions (`%%user.id`, `%%root.owner`, `%%values.admins`, …) and the
 * value operators (`%stringToOid`, `%oidToString`, `%stringToUuid`, `%uuidToString`).
 * @packageDocumentation
 */
import { ObjectId, UUID } from "bson";
import type { Doc } from "../data/bsonValues.js";

/** What expansions that do not depend on a document resolve to, for one request. */
export interface ExpansionContext {
  /** `%%user`: `{id, type, data, custom_data, identities}`; absent for no user. */
  user?: Record<string, unknown> | undefined;
  /** `%%values`: the app's values by name. */
  values: Record<string, unknown>;
  /** `%%environment`: `{tag, values}`. */
  environment: { tag: string; values: Record<string, unknown> };
  /** `%%request`: what is known of the request (may be empty). */
  request: Record<string, unknown>;
  /** `%%args`: the arguments of a function call (for `can_evaluate`). */
  args?: unknown;
  /** Runs `%function` (as the request's caller); absent when functions are not available. */
  callFunction?: ((name: string, args: unknown[]) => Promise<unknown>) | undefined;
}

/** The document-dependent expansions of one evaluation. */
export interface DocumentScope {
  /** `%%root`: the document (after the write, for writes). */
  root?: Doc | undefined;
  /** `%%prevRoot`: the document before a write; absent for inserts and reads. */
  prevRoot?: Doc | undefined;
  /** `%%this`: a field's value after the write (field rules). */
  this?: unknown;
  /** `%%prev`: a field's value before the write (field rules). */
  prev?: unknown;
}

/** Expansion roots that read the current document. */
export const DOCUMENT_EXPANSIONS = new Set(["root", "prevRoot", "this", "prev"]);
/** Expansion roots that do not. */
export const CONTEXT_EXPANSIONS = new Set(["user", "values", "environment", "request", "args", "true", "false"]);

/** The value operators, which turn one value into another. */
export const VALUE_OPERATORS = new Set(["%stringToOid", "%oidToString", "%stringToUuid", "%uuidToString"]);

/** Marks a value that must not be expanded again (a `%function` result). */
export class Literal {
  /** @param value - the resolved value */
  constructor(readonly value: unknown) {}
}

/** Raised when a value operator cannot convert its operand: the expression is then false. */
export class NoMatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoMatch";
  }
}

/**
 * Splits an expansion string (`%%user.data.email`) into its root and path.
 * @param text - a string starting with `%%`
 * @returns `{root: "user", path: ["data", "email"]}`
 */
export function parseExpansion(text: string): { root: string; path: string[] } {
  const [root = "", ...path] = text.slice(2).split(".");
  return { root, path };
}

/**
 * True for strings that are expansions.
 * @param value - anything
 */
export function isExpansion(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("%%");
}

function walk(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (Array.isArray(cur)) {
      const index = Number(part);
      cur = Number.isInteger(index) ? cur[index] : undefined;
    } else {
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? (cur as Record<string, unknown>)[part] : undefined;
    }
  }
  return cur;
}

/**
 * Resolves an expansion string to its value (undefined when the path does not exist).
 * @param text - e.g. `%%user.id`
 * @param ctx - the request's expansions
 * @param scope - the document's expansions
 */
export function resolveExpansion(text: string, ctx: ExpansionContext, scope: DocumentScope): unknown {
  const { root, path } = parseExpansion(text);
  switch (root) {
    case "true":
      return true;
    case "false":
      return false;
    case "user":
      return walk(ctx.user, path);
    case "values":
      return walk(ctx.values, path);
    case "environment":
      return walk(ctx.environment, path);
    case "request":
      return walk(ctx.request, path);
    case "args":
      return walk(ctx.args, path);
    case "root":
      return walk(scope.root, path);
    case "prevRoot":
      return walk(scope.prevRoot, path);
    case "this":
      return walk(scope.this, path);
    case "prev":
      return walk(scope.prev, path);
    default:
      return undefined;
  }
}

/**
 * Applies a value operator.
 * @param op - one of {@link VALUE_OPERATORS}
 * @param operand - the already expanded operand
 * @throws NoMatch if the operand cannot be converted
 */
export function applyValueOperator(op: string, operand: unknown): unknown {
  switch (op) {
    case "%stringToOid":
      if (operand instanceof ObjectId) return operand;
      if (typeof operand === "string" && /^[0-9a-fA-F]{24}$/.test(operand)) return new ObjectId(operand);
      // "a 12-byte or 24-byte string": 12 bytes are the id itself
      if (typeof operand === "string" && Buffer.byteLength(operand) === 12) return new ObjectId(Buffer.from(operand));
      throw new NoMatch(`%stringToOid: not an ObjectId string`);
    case "%oidToString":
      if (operand instanceof ObjectId) return operand.toHexString();
      if (typeof operand === "string") return operand;
      throw new NoMatch(`%oidToString: not an ObjectId`);
    case "%stringToUuid":
      if (operand instanceof UUID) return operand;
      if (typeof operand === "string" && UUID.isValid(operand)) return new UUID(operand);
      throw new NoMatch(`%stringToUuid: not a UUID string`);
    case "%uuidToString":
      if (operand instanceof UUID) return operand.toHexString(true);
      if (typeof operand === "string") return operand;
      throw new NoMatch(`%uuidToString: not a UUID`);
    default:
      throw new NoMatch(`unknown value operator ${op}`);
  }
}

function isSingleKey(value: unknown, keys: Set<string>): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Literal) return false;
  if ("_bsontype" in value) return false;
  const own = Object.keys(value);
  return own.length === 1 && keys.has(own[0] as string);
}

/**
 * Expands every expansion and value operator inside a value (used for operands, literals and
 * filter queries).
 * @param value - part of an expression
 * @param ctx - the request's expansions
 * @param scope - the document's expansions
 * @throws NoMatch if a value operator cannot convert its operand
 */
export function expandValue(value: unknown, ctx: ExpansionContext, scope: DocumentScope): unknown {
  if (value instanceof Literal) return value.value;
  if (isExpansion(value)) return resolveExpansion(value, ctx, scope);
  if (Array.isArray(value)) return value.map((v) => expandValue(v, ctx, scope));
  if (isSingleKey(value, VALUE_OPERATORS)) {
    const [op, operand] = Object.entries(value)[0] as [string, unknown];
    return applyValueOperator(op, expandValue(operand, ctx, scope));
  }
  if (value !== null && typeof value === "object" && !("_bsontype" in value) && !(value instanceof Date) && !(value instanceof RegExp)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandValue(v, ctx, scope);
    return out;
  }
  return value;
}

/**
 * True if a value (an operand or literal) reads the current document.
 * @param value - part of an expression
 */
export function readsDocument(value: unknown): boolean {
  if (isExpansion(value)) return DOCUMENT_EXPANSIONS.has(parseExpansion(value).root);
  if (Array.isArray(value)) return value.some(readsDocument);
  if (value !== null && typeof value === "object" && !(value instanceof Literal) && !("_bsontype" in value)) {
    return Object.values(value).some(readsDocument);
  }
  return false;
}
