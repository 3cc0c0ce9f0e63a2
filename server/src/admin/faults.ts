/**
 * Fault injection (test support): fail the next N requests of a route kind with a status, delay
 * them, or reset their connection.
 * @packageDocumentation
 */
import { z } from "zod";
import { ROUTE_KINDS, type RouteKind } from "../http/deps.js";

/** A fault rule as posted to the admin API. */
export const faultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("status"),
    route: z.enum(ROUTE_KINDS),
    count: z.number().int().positive(),
    status: z.number().int().min(400).max(599),
    errorCode: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal("delay"),
    route: z.enum(ROUTE_KINDS),
    count: z.number().int().positive(),
    delayMs: z.number().int().min(0).max(120_000),
  }),
  z.object({ kind: z.literal("reset"), route: z.enum(ROUTE_KINDS), count: z.number().int().positive() }),
]);

/** A fault rule. */
export type Fault = z.infer<typeof faultSchema>;

/** The queue of pending faults. */
export class Faults {
  #rules: Fault[] = [];

  /** Adds a rule (rules for one route apply in the order added). */
  add(rule: Fault): void {
    this.#rules.push({ ...rule });
  }

  /** The pending rules. */
  list(): Fault[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** Takes the fault for one request of a route, decrementing its count, or undefined. */
  take(route: RouteKind): Fault | undefined {
    const index = this.#rules.findIndex((r) => r.route === route);
    const rule = this.#rules[index];
    if (rule === undefined) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) this.#rules.splice(index, 1);
    return rule;
  }
}
