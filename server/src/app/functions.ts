/**
 * The functions of an exported app: `functions/config.json` and the sources beside it
 * (`functions/<name>.js`, nested names as folders: `utils/add` in `functions/utils/add.js`; the
 * older `functions/<name>/source.js` with its own `config.json` works too). A source without a
 * manifest entry gets the defaults, as App Services gives it on import.
 * @packageDocumentation
 */
import type { z } from "zod";
import { unavailableRequires } from "../functions/builtins.js";
import { listedDependencies, missingDependencies, type FunctionDependencies } from "../functions/dependencies.js";
import type { FunctionSpec } from "../functions/loader.js";
import { compileCanEvaluate, RuleConfigError } from "../rules/index.js";
import type { ClientCallRules } from "../rules/functions.js";
import { appError, type AppFiles } from "./files.js";
import { functionConfigSchema, functionsFileSchema } from "./schemas.js";

/** The functions of an app, ready for the runner and for the client-call rules. */
export interface AppFunctions {
  specs: FunctionSpec[];
  /** `private` and `can_evaluate` per function. */
  clientRules: Map<string, ClientCallRules>;
  /** The packages `functions/package.json` lists (undefined without one). */
  dependencies?: FunctionDependencies | undefined;
}

type FunctionConfig = z.infer<typeof functionConfigSchema>;

const NAME = /^[A-Za-z0-9_$-]+(\/[A-Za-z0-9_$-]+)*$/;
const SKIP = new Set(["node_modules"]);

/**
 * Reads the functions.
 * @param files - the app directory
 * @param unsupported - receives a line per setting this server cannot honour
 * @throws ServerError `InvalidConfig` naming the file for a bad manifest, a missing source, an invalid
 * `can_evaluate`, a function that sets both `run_as_user_id` and its script (without
 * `run_as_system`), or a `functions/package.json` that is not JSON or lists its dependencies wrongly
 */
export function readFunctions(files: AppFiles, unsupported: string[]): AppFunctions {
  const manifest = new Map<string, FunctionConfig>();
  for (const entry of files.optionalJson("functions/config.json", functionsFileSchema) ?? []) manifest.set(entry.name, entry);
  const sources = new Map<string, string>();
  for (const file of files.walk("functions", SKIP)) {
    if (file.endsWith("/source.js")) {
      const name = file.slice(0, -"/source.js".length);
      sources.set(name, file);
      const own = `functions/${name}/config.json`;
      if (!manifest.has(name) && files.exists(own)) manifest.set(name, files.json(own, functionConfigSchema));
    } else if (file.endsWith(".js") && !sources.has(file.slice(0, -3))) {
      sources.set(file.slice(0, -3), file);
    }
  }
  const dependencies = readDependencies(files, unsupported);
  const listed = new Set(dependencies?.names ?? []);
  const specs: FunctionSpec[] = [];
  const clientRules = new Map<string, ClientCallRules>();
  const names = new Set([...manifest.keys(), ...sources.keys()]);
  for (const name of [...names].sort()) {
    const file = sources.get(name);
    if (file === undefined) throw appError("functions/config.json", `function ${name} has no source (functions/${name}.js)`);
    if (!NAME.test(name)) throw appError(`functions/${file}`, `invalid function name ${JSON.stringify(name)}`);
    const config = manifest.get(name) ?? functionConfigSchema.parse({ name });
    const spec: FunctionSpec = {
      name,
      file: files.path(`functions/${file}`),
      source: files.text(`functions/${file}`),
      runAsSystem: config.run_as_system,
    };
    // An exported app writes both fields as "" when the function runs as the caller.
    const userId = nonEmpty(config.run_as_user_id);
    const userScript = nonEmpty(config.run_as_user_id_script_source);
    // run_as_system overrides both, as App Services documents it
    if (!config.run_as_system && userId !== undefined && userScript !== undefined) {
      throw appError("functions/config.json", `function ${name} sets both run_as_user_id and run_as_user_id_script_source`);
    }
    if (!config.run_as_system) {
      if (userId !== undefined) spec.runAsUserId = userId;
      if (userScript !== undefined) spec.runAsUserScript = userScript;
    }
    const missing = unavailableRequires(spec.source, listed);
    if (missing.length > 0) {
      unsupported.push(
        `functions/${file}: requires ${missing.map((m) => `'${m}'`).join(", ")}, which functions cannot load here: those calls fail`,
      );
    }
    specs.push(spec);
    try {
      const canEvaluate =
        config.can_evaluate === undefined
          ? undefined
          : compileCanEvaluate(config.can_evaluate, `functions/config.json, function "${name}"`);
      clientRules.set(name, { private: config.private, canEvaluate });
    } catch (err) {
      if (err instanceof RuleConfigError) throw appError("functions/config.json", err.message);
      throw err;
    }
  }
  return { specs, clientRules, dependencies };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Reads `functions/package.json`: the packages it lists, which functions may `require` once
 * `npm install` has put them in `functions/node_modules`.
 * @param files - the app directory
 * @param unsupported - receives a line naming the listed packages that are not installed
 * @returns the dependencies, or undefined without a `package.json`
 * @throws ServerError `InvalidConfig` naming the file when it is not JSON, not an object, or its
 * `dependencies` are not an object
 */
function readDependencies(files: AppFiles, unsupported: string[]): FunctionDependencies | undefined {
  if (!files.exists("functions/package.json")) return undefined;
  let names: string[];
  try {
    names = listedDependencies(files.rawJson("functions/package.json"));
  } catch (err) {
    if (err instanceof TypeError) throw appError("functions/package.json", err.message);
    throw err;
  }
  const dependencies = { dir: files.path("functions"), names };
  const missing = missingDependencies(dependencies);
  if (missing.length > 0) {
    unsupported.push(
      `functions/package.json: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed in functions/node_modules (run npm install in functions/): require() of ${missing.length === 1 ? "it" : "them"} fails`,
    );
  }
  return dependencies;
}
