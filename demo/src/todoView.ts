/**
 * How a todo document is shown: whatever another user stored, its text becomes plain text (never
 * markup) and a value that is not a string is described instead of converted, so one hostile
 * document cannot break the list.
 * @packageDocumentation
 */

/** The longest text shown; longer texts are cut with an ellipsis. */
export const MAX_TEXT = 500;

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (value instanceof Date) return "date";
  const bsontype = typeof value === "object" ? (value as { _bsontype?: unknown })._bsontype : undefined;
  return typeof bsontype === "string" ? bsontype : typeof value;
}

/**
 * The label of a todo's `text` field: the string itself (cut to {@link MAX_TEXT}), or a
 * description such as `(not text: object)`. Never calls the value's own methods.
 * @param value - the stored `text`
 */
export function todoText(value: unknown): string {
  if (typeof value === "string") return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  return `(not text: ${kindOf(value)})`;
}

/**
 * Whether a todo counts as done: only the boolean `true` does.
 * @param value - the stored `done`
 */
export function isDone(value: unknown): boolean {
  return value === true;
}
