/**
 * Bounds on a GraphQL operation's size, checked with the other validation rules before anything
 * runs, so that one request cannot make the server resolve an unbounded number of fields: the
 * document's tokens (while parsing), the depth of its selections, and the number of fields it
 * selects (fragments counted where they are spread) and of root fields (each a query, a write or a
 * function call).
 * @packageDocumentation
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

/** The bounds. */
export interface OperationLimits {
  /** Tokens of the whole document. */
  maxTokens: number;
  /** Nesting of selections. */
  maxDepth: number;
  /** Fields selected, fragments counted at each spread. */
  maxFields: number;
  /** Root fields of an operation. */
  maxRootFields: number;
}

/** The bounds the server applies. */
export const OPERATION_LIMITS: OperationLimits = { maxTokens: 20_000, maxDepth: 20, maxFields: 2_000, maxRootFields: 100 };

interface Tally {
  fields: number;
  depth: number;
}

function walk(
  set: SelectionSetNode,
  depth: number,
  fragments: Map<string, FragmentDefinitionNode>,
  tally: Tally,
  limits: OperationLimits,
): void {
  tally.depth = Math.max(tally.depth, depth);
  if (tally.depth > limits.maxDepth || tally.fields > limits.maxFields) return;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      tally.fields += 1;
      if (selection.selectionSet !== undefined) walk(selection.selectionSet, depth + 1, fragments, tally, limits);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(selection.selectionSet, depth, fragments, tally, limits);
    } else {
      const fragment = fragments.get(selection.name.value);
      // unknown fragments and cycles are other rules' errors
      if (fragment !== undefined) walk(fragment.selectionSet, depth, fragments, tally, limits);
    }
    if (tally.depth > limits.maxDepth || tally.fields > limits.maxFields) return;
  }
}

function rootFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += rootFields(selection.selectionSet, fragments, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment !== undefined) count += rootFields(fragment.selectionSet, fragments, seen);
    }
  }
  return count;
}

/**
 * A validation rule refusing operations beyond the bounds.
 * @param limits - the bounds
 */
export function operationLimitsRule(limits: OperationLimits = OPERATION_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(node) {
        if (hasFragmentCycle(fragments)) return;
        const roots = rootFields(node.selectionSet, fragments, new Set());
        if (roots > limits.maxRootFields) {
          context.reportError(
            new GraphQLError(`the operation has ${roots} root fields, more than ${limits.maxRootFields}`, { nodes: node }),
          );
          return;
        }
        const tally: Tally = { fields: 0, depth: 0 };
        walk(node.selectionSet, 1, fragments, tally, limits);
        if (tally.depth > limits.maxDepth)
          context.reportError(new GraphQLError(`the operation nests selections deeper than ${limits.maxDepth}`, { nodes: node }));
        else if (tally.fields > limits.maxFields)
          context.reportError(new GraphQLError(`the operation selects more than ${limits.maxFields} fields`, { nodes: node }));
      },
    };
  };
}

/** True if some fragment spreads itself, directly or not (the walk would not end; NoFragmentCycles reports it). */
function hasFragmentCycle(fragments: Map<string, FragmentDefinitionNode>): boolean {
  const state = new Map<string, "open" | "done">();
  const visit = (name: string): boolean => {
    const at = state.get(name);
    if (at === "open") return true;
    if (at === "done") return false;
    state.set(name, "open");
    const fragment = fragments.get(name);
    const found = fragment !== undefined && spreads(fragment.selectionSet).some(visit);
    state.set(name, "done");
    return found;
  };
  return [...fragments.keys()].some(visit);
}

function spreads(set: SelectionSetNode): string[] {
  const out: string[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) out.push(selection.name.value);
    else if (selection.selectionSet !== undefined) out.push(...spreads(selection.selectionSet));
  }
  return out;
}
