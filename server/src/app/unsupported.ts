/**
 * The parts of an exported app this server does not run — Device Sync, log forwarders,
 * third-party services — listed one line each, so that nothing is ignored silently.
 * (Triggers and HTTPS endpoints are read, and what of them does not run listed, by triggers.ts and
 * endpoints.ts.)
 * @packageDocumentation
 */
import type { AppFiles } from "./files.js";
import { syncSchema } from "./schemas.js";

function sync(files: AppFiles, out: string[]): void {
  const file = "sync/config.json";
  const config = files.optionalJson(file, syncSchema);
  if (config === undefined) return;
  const { development_mode_enabled: devMode, ...rest } = config;
  if (devMode === true || Object.keys(rest).length > 0) {
    out.push(`${file}: Device Sync${config.type ? ` (${config.type})` : ""} is not supported: synced realms cannot connect`);
  }
}

function otherFolders(files: AppFiles, out: string[]): void {
  for (const entry of files.list("log_forwarders")) {
    if (entry.endsWith(".json")) out.push(`log_forwarders/${entry}: log forwarder ${entry.slice(0, -5)} is not run`);
  }
  for (const entry of files.list("services")) {
    if (files.isDir(`services/${entry}`)) out.push(`services/${entry}: third-party service ${entry} is not available`);
  }
}

/**
 * Lists the parts of an app this server does not run.
 * @param files - the app directory
 * @returns one line per part
 * @throws ServerError `InvalidConfig` naming a file that is not valid JSON
 */
export function unsupportedParts(files: AppFiles): string[] {
  const out: string[] = [];
  sync(files, out);
  otherFolders(files, out);
  return out;
}
