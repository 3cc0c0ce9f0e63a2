/**
 * Static hosting of an exported app: `hosting/config.json`, `hosting/metadata.json` and the files of
 * `hosting/files/`, served at the server's root as App Services served them at the app's hosting
 * domain (http/hostingRoutes.ts).
 * @packageDocumentation
 */
import { realpathSync } from "node:fs";
import { sep } from "node:path";
import { z } from "zod";
import { appError, type AppFiles } from "./files.js";

/** The file metadata attributes App Services lets a hosted file have (its "File Metadata Attributes" page). */
const HOSTING_ATTRIBUTES = [
  "Content-Type",
  "Content-Disposition",
  "Content-Encoding",
  "Content-Language",
  "Cache-Control",
  "Website-Redirect-Location",
] as const;

/** An app's static hosting. */
export interface HostingSpec {
  /** The absolute path of `hosting/files`. */
  root: string;
  /** The resource path served when no file matches (a custom 404 page, or a single-page app's root). */
  defaultErrorPath?: string | undefined;
  /** The status of that answer: 404, or 200 for a single-page app. */
  defaultResponseCode: number;
  /** Each file's metadata attributes by resource path (`/images/logo.png`), as header names and values. */
  attributes: Map<string, Record<string, string>>;
}

const configSchema = z.object({
  enabled: z.boolean().default(false),
  default_response_code: z.number().int().min(200).max(599).optional(),
  default_error_path: z.string().startsWith("/").optional(),
});

const metadataSchema = z.array(
  z.object({
    path: z.string().startsWith("/"),
    attrs: z.array(z.object({ name: z.string(), value: z.string() })),
  }),
);

/** True if `file`, through symbolic links, lies in `folder` (as hosting serves it). */
function within(folder: string, file: string): boolean {
  const root = realpathSync(folder);
  const real = realpathSync(file);
  return real.startsWith(root + sep);
}

/**
 * Reads the app's static hosting.
 * @param files - the app directory
 * @param unsupported - receives a line when hosting is enabled without a `hosting/files` folder
 * @returns the hosting, or undefined when `hosting/config.json` does not enable it
 * @throws ServerError `InvalidConfig` naming the file for an invalid config or metadata file, an
 * attribute App Services does not support or a value no header may have, or a default error path
 * that names no hosted file
 */
export function readHosting(files: AppFiles, unsupported: string[] = []): HostingSpec | undefined {
  const config = files.optionalJson("hosting/config.json", configSchema);
  if (config === undefined || !config.enabled) return undefined;
  if (!files.isDir("hosting/files")) {
    unsupported.push("hosting/files: missing, so every hosted path answers 404 (hosting/config.json enables hosting)");
  }
  const attributes = new Map<string, Record<string, string>>();
  for (const entry of files.optionalJson("hosting/metadata.json", metadataSchema) ?? []) {
    const headers: Record<string, string> = {};
    for (const { name, value } of entry.attrs) {
      const known = HOSTING_ATTRIBUTES.find((attribute) => attribute.toLowerCase() === name.toLowerCase());
      if (known === undefined) throw appError("hosting/metadata.json", `${entry.path}: unknown file metadata attribute ${name}`);
      // what HTTP allows in a header value (no line breaks or other control characters)
      if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(value)) {
        throw appError("hosting/metadata.json", `${entry.path}: the value of ${known} is not a valid header value`);
      }
      headers[known] = value;
    }
    attributes.set(entry.path, headers);
  }
  const defaultErrorPath = config.default_error_path;
  const hosted = (path: string): boolean =>
    !path.split("/").some((part) => part === "." || part === "..") &&
    files.exists(`hosting/files${path}`) &&
    !files.isDir(`hosting/files${path}`) &&
    within(files.path("hosting/files"), files.path(`hosting/files${path}`));
  if (defaultErrorPath !== undefined && !hosted(defaultErrorPath)) {
    throw appError("hosting/config.json", `default_error_path ${defaultErrorPath} is not a file of hosting/files`);
  }
  return {
    root: files.path("hosting/files"),
    defaultErrorPath,
    defaultResponseCode: config.default_response_code ?? 404,
    attributes,
  };
}
