/**
 * Reading the files of an app directory: JSON validated with zod, errors naming the file, and
 * template expansions (`%(%%environment.values.name)`) resolved in string fields.
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { z } from "zod";
import { ServerError } from "../contracts.js";

/** The current environment, for template expansions. */
export interface AppEnvironment {
  tag: string;
  values: Record<string, unknown>;
}

/**
 * An invalid app directory.
 * @param file - the file, relative to the app directory
 * @param message - what is wrong
 * @returns a `ServerError` `InvalidConfig` naming the file
 */
export function appError(file: string, message: string): ServerError {
  return new ServerError(500, "InvalidConfig", `invalid app: ${file}: ${message}`);
}

const TEMPLATE = /%\((%%[^)]*)\)/g;

function expandTemplates(value: unknown, env: AppEnvironment | undefined, file: string): unknown {
  if (typeof value === "string") {
    if (!value.includes("%(")) return value;
    return value.replace(TEMPLATE, (_all, expansion: string) => {
      const [root, ...path] = expansion.slice(2).split(".");
      if (root !== "environment" || env === undefined)
        throw appError(file, `cannot expand ${expansion}: only %%environment can be used in %() templates`);
      let cur: unknown = env;
      for (const part of path) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
      if (cur === undefined) throw appError(file, `${expansion} is not defined in the environment "${env.tag}"`);
      return typeof cur === "string" ? cur : JSON.stringify(cur);
    });
  }
  if (Array.isArray(value)) return value.map((v) => expandTemplates(v, env, file));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandTemplates(v, env, file)]));
  }
  return value;
}

/** An app directory being read. */
export class AppFiles {
  /**
   * @param dir - the app directory
   * @param env - the environment, once known (template expansions need it)
   */
  constructor(
    readonly dir: string,
    public env: AppEnvironment | undefined = undefined,
  ) {}

  /** The absolute path of a file given relative to the app directory. */
  path(file: string): string {
    return join(this.dir, file);
  }

  /** True if the file or folder exists. */
  exists(file: string): boolean {
    return existsSync(this.path(file));
  }

  /** True if it is a folder. */
  isDir(file: string): boolean {
    return this.exists(file) && statSync(this.path(file)).isDirectory();
  }

  /** The entries of a folder (sorted), or none if it does not exist. */
  list(dir: string): string[] {
    return this.isDir(dir) ? readdirSync(this.path(dir)).sort() : [];
  }

  /**
   * Every file under a folder, as paths relative to that folder with `/` separators, sorted.
   * @param dir - the folder
   * @param skip - folder names not to enter
   */
  walk(dir: string, skip: Set<string> = new Set()): string[] {
    const root = this.path(dir);
    const out: string[] = [];
    const visit = (abs: string): void => {
      for (const entry of readdirSync(abs).sort()) {
        const full = join(abs, entry);
        if (statSync(full).isDirectory()) {
          if (!skip.has(entry)) visit(full);
        } else {
          out.push(relative(root, full).split(sep).join("/"));
        }
      }
    };
    if (this.isDir(dir)) visit(root);
    return out;
  }

  /**
   * Reads a text file.
   * @throws ServerError `InvalidConfig` naming the file if it cannot be read
   */
  text(file: string): string {
    try {
      return readFileSync(this.path(file), "utf8");
    } catch (err) {
      throw appError(file, (err as Error).message);
    }
  }

  /**
   * Reads a JSON file, expands its templates and validates it.
   * @param file - relative path
   * @param schema - the zod schema
   * @throws ServerError `InvalidConfig` naming the file and every invalid field
   */
  json<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
    let raw: unknown;
    try {
      raw = JSON.parse(this.text(file));
    } catch (err) {
      if (err instanceof ServerError) throw err;
      throw appError(file, `not JSON: ${(err as Error).message}`);
    }
    const result = schema.safeParse(expandTemplates(raw, this.env, file));
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw appError(file, issues);
    }
    return result.data;
  }

  /**
   * Reads a JSON file, if it exists.
   * @returns the validated content, or undefined
   * @throws ServerError `InvalidConfig` naming the file if it is invalid
   */
  optionalJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined {
    return this.exists(file) ? this.json(file, schema) : undefined;
  }

  /**
   * Reads a JSON file without validation (rule files are validated by the rules module).
   * @throws ServerError `InvalidConfig` naming the file if it is not JSON
   */
  rawJson(file: string): unknown {
    try {
      return expandTemplates(JSON.parse(this.text(file)), this.env, file);
    } catch (err) {
      if (err instanceof ServerError) throw err;
      throw appError(file, `not JSON: ${(err as Error).message}`);
    }
  }
}
