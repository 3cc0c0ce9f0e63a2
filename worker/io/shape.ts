/**
 * Shape checks of untrusted data (what tabs send, what the server answers): a few composable
 * checks that return the checked value (objects keep only their declared keys) or throw a
 * {@link ShapeError} naming where the value is wrong. The worker bundle carries these few lines
 * rather than a schema library.
 * @packageDocumentation
 */

/** Where a value does not fit its shape (`path` like `.config.baseUrl`, empty for the value itself). */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "ShapeError";
  }
}

/** Checks a value and returns it typed; throws {@link ShapeError}. */
export type Check<T> = (value: unknown, path?: string) => T;

/** The type a check returns. */
export type Checked<C> = C extends Check<infer T> ? T : never;

/** A string, optionally of bounded length or matching a pattern. */
export function string(opts: { min?: number; max?: number; pattern?: RegExp; patternMessage?: string } = {}): Check<string> {
  return (value, path = "") => {
    if (typeof value !== "string") throw new ShapeError(path, "expected a string");
    if (opts.min !== undefined && value.length < opts.min) throw new ShapeError(path, `expected at least ${opts.min} characters`);
    if (opts.max !== undefined && value.length > opts.max) throw new ShapeError(path, `expected at most ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(value)) throw new ShapeError(path, opts.patternMessage ?? "has the wrong format");
    return value;
  };
}

/** A finite or infinite number (not NaN). */
export const number: Check<number> = (value, path = "") => {
  if (typeof value !== "number" || Number.isNaN(value)) throw new ShapeError(path, "expected a number");
  return value;
};

/** A boolean. */
export const boolean: Check<boolean> = (value, path = "") => {
  if (typeof value !== "boolean") throw new ShapeError(path, "expected a boolean");
  return value;
};

/** One of the given strings. */
export function oneOf<T extends string>(values: readonly T[]): Check<T> {
  return (value, path = "") => {
    if (typeof value !== "string" || !(values as readonly string[]).includes(value)) {
      throw new ShapeError(path, `expected one of ${values.join(", ")}`);
    }
    return value as T;
  };
}

/** The value, or null. */
export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, path = "") => (value === null ? null : check(value, path));
}

/** The value, or null, or undefined (both read as null). */
export function nullish<T>(check: Check<T>): Check<T | null> {
  return (value, path = "") => (value === null || value === undefined ? null : check(value, path));
}

/** The value, or undefined. */
export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, path = "") => (value === undefined ? undefined : check(value, path));
}

/** An array of values, optionally at most `max` long. */
export function array<T>(check: Check<T>, max?: number): Check<T[]> {
  return (value, path = "") => {
    if (!Array.isArray(value)) throw new ShapeError(path, "expected an array");
    if (max !== undefined && value.length > max) throw new ShapeError(path, `expected at most ${max} items`);
    return value.map((v: unknown, i) => check(v, `${path}.${i}`));
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object whose own values are kept as they are. */
export const record: Check<Record<string, unknown>> = (value, path = "") => {
  if (!isObject(value)) throw new ShapeError(path, "expected an object");
  return { ...value };
};

/** An object with the given keys (others are dropped; an undefined optional key is left out). */
export function object<S extends Record<string, Check<unknown>>>(shape: S): Check<{ [K in keyof S]: Checked<S[K]> }> {
  return (value, path = "") => {
    if (!isObject(value)) throw new ShapeError(path, "expected an object");
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const v = check(value[key], `${path}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    return out as { [K in keyof S]: Checked<S[K]> };
  };
}

/** Runs a check; returns the value, or null when it does not fit. */
export function tryCheck<T>(check: Check<T>, value: unknown): T | null {
  try {
    return check(value);
  } catch (error) {
    if (error instanceof ShapeError) return null;
    throw error;
  }
}
