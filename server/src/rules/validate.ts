/**
 * Load-time checks of rule expressions: unknown expansions and operators, and expansions of the
 * document where there is none (a filter's `apply_when`, a function's `can_evaluate`).
 * @packageDocumentation
 */
import { isPlainObject } from "../data/bsonValues.js";
import { CONTEXT_EXPANSIONS, DOCUMENT_EXPANSIONS, VALUE_OPERATORS, isExpansion, parseExpansion } from "./expansions.js";
import { FIELD_OPERATORS, LOGICAL, NOT } from "./expression.js";

/** What an expression may refer to. */
export interface ExpressionPlace {
  /** May it use `%%root`, `%%prevRoot`, `%%this`, `%%prev` and plain field names? */
  document: boolean;
  /** May it use `%%args`? */
  args?: boolean;
}

function checkExpansion(text: string, place: ExpressionPlace, problems: string[]): void {
  const { root } = parseExpansion(text);
  if (DOCUMENT_EXPANSIONS.has(root)) {
    if (!place.document) problems.push(`${text} refers to a document, which this expression does not have`);
  } else if (root === "args") {
    if (place.args !== true) problems.push(`${text}: %%args is only available in a function's can_evaluate`);
  } else if (!CONTEXT_EXPANSIONS.has(root)) {
    problems.push(`unknown expansion ${text}`);
  }
}

function checkValue(value: unknown, place: ExpressionPlace, problems: string[]): void {
  if (isExpansion(value)) checkExpansion(value, place, problems);
  else if (Array.isArray(value)) value.forEach((v) => checkValue(v, place, problems));
  else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "%function") checkFunction(v, place, problems);
      else checkValue(v, place, problems);
    }
  }
}

function checkFunction(spec: unknown, place: ExpressionPlace, problems: string[]): void {
  if (!isPlainObject(spec) || typeof spec.name !== "string" || spec.name === "") {
    problems.push("%function needs {name, arguments}");
    return;
  }
  if (spec.arguments !== undefined && !Array.isArray(spec.arguments)) problems.push("%function arguments must be an array");
  checkValue(spec.arguments, place, problems);
}

function checkOperand(value: unknown, place: ExpressionPlace, problems: string[]): void {
  if (!isPlainObject(value)) {
    checkValue(value, place, problems);
    return;
  }
  const keys = Object.keys(value);
  const isOperators = keys.length > 0 && keys.every((k) => k.startsWith("$") || (k.startsWith("%") && !k.startsWith("%%")));
  if (!isOperators) {
    checkValue(value, place, problems);
    return;
  }
  for (const [op, operand] of Object.entries(value)) {
    if (op === "%function") checkFunction(operand, place, problems);
    else if (VALUE_OPERATORS.has(op)) checkValue(operand, place, problems);
    else if (LOGICAL.has(op)) {
      if (!Array.isArray(operand)) problems.push(`${op} needs an array`);
      else operand.forEach((o) => checkOperand(o, place, problems));
    } else if (NOT.has(op)) checkOperand(operand, place, problems);
    else if (FIELD_OPERATORS.has(op.startsWith("%") ? `$${op.slice(1)}` : op)) checkValue(operand, place, problems);
    else problems.push(`unknown operator ${op}`);
  }
}

function checkExpression(expr: unknown, place: ExpressionPlace, problems: string[]): void {
  if (typeof expr === "boolean") return;
  if (!isPlainObject(expr)) {
    problems.push("an expression must be true, false or an object");
    return;
  }
  for (const [key, value] of Object.entries(expr)) {
    if (LOGICAL.has(key)) {
      if (!Array.isArray(value)) problems.push(`${key} needs an array of expressions`);
      else value.forEach((e) => checkExpression(e, place, problems));
    } else if (NOT.has(key)) {
      checkExpression(value, place, problems);
    } else {
      if (key.startsWith("%%")) checkExpansion(key, place, problems);
      else if (key.startsWith("%") || key.startsWith("$")) problems.push(`unknown operator ${key}`);
      else if (!place.document) problems.push(`field ${key} refers to a document, which this expression does not have`);
      checkOperand(value, place, problems);
    }
  }
}

/**
 * Lists what is wrong with an expression.
 * @param expr - the expression as written
 * @param place - what it may refer to
 * @returns problems, empty when the expression is valid
 */
export function expressionProblems(expr: unknown, place: ExpressionPlace): string[] {
  const problems: string[] = [];
  checkExpression(expr, place, problems);
  return problems;
}
