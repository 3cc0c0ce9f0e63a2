/**
 * Validates request bodies with zod and turns failures into App Services errors.
 * @packageDocumentation
 */
import type { z } from "zod";
import { ServerError } from "../contracts.js";

/**
 * Parses a body with a schema.
 * @throws ServerError 400 `MissingParameter` if a required field is absent, else 400 `InvalidParameter`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  const missing = issue?.code === "invalid_type" && /received undefined/.test(issue.message);
  if (missing) throw new ServerError(400, "MissingParameter", `expected parameter '${path}' to be present`);
  throw new ServerError(400, "InvalidParameter", `invalid parameter '${path || "body"}': ${issue?.message ?? "invalid"}`);
}
