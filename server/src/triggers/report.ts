/**
 * The text of a trigger failure.
 * @packageDocumentation
 */

/**
 * The message of anything thrown.
 * @param err - what was thrown or rejected
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
