/**
 * `$sample` as MongoDB runs it: `size` documents picked at random without repetition (all of them,
 * in random order, when the input has no more). mingo's own picks with replacement until it has
 * given `size` documents, so `{ $sample: { size: 1e12 } }` grew one array until the process ran
 * out of memory.
 * @packageDocumentation
 */
import { Lazy, type Iterator } from "mingo/lazy";
import { mongoError } from "./errors.js";

/**
 * The `$sample` stage.
 * @param collection - the stage's input
 * @param expr - `{ size: <non-negative number> }`
 * @returns the picked documents
 * @throws ServerError 400 `MongoDBError` for a missing, negative or non-numeric size
 */
export function sampleStage(collection: Iterator, expr: unknown): Iterator {
  const given = expr !== null && typeof expr === "object" ? (expr as { size?: unknown }).size : undefined;
  // a Long beyond 2^53 or a Decimal128 stays a BSON value: any numeric type will do, as in MongoDB
  const size =
    typeof given === "object" && given !== null && "_bsontype" in given ? Number((given as { toString(): string }).toString()) : given;
  if (typeof size !== "number" || !(size >= 0)) throw mongoError("the size argument to $sample must be a non-negative number");
  return collection.transform((docs: unknown[]) => {
    const picked = docs.slice();
    const count = Math.min(Math.floor(size), picked.length);
    // the first `count` places of a Fisher–Yates shuffle
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (picked.length - i));
      [picked[i], picked[j]] = [picked[j], picked[i]];
    }
    picked.length = count;
    return Lazy(picked);
  });
}
