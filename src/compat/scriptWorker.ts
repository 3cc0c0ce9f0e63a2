/**
 * Where the `<script>` build (`realm-tabs.iife.js`) starts its SharedWorker from: the worker file
 * beside the script (`realm-tabs.worker.js`), found from the script element's `src` while the script
 * runs, or the URL the page names in the script's `data-worker` attribute or with `setWorkerUrl`.
 * The ES module build does not use this: bundlers place its worker themselves.
 * @packageDocumentation
 */
import { RealmTabsError } from "../protocol/errors.js";

/** The file name of the `<script>` build's SharedWorker, next to `realm-tabs.iife.js`. */
export const SCRIPT_WORKER_FILE = "realm-tabs.worker.js";

/** What is read of the `<script>` element that loaded the build. */
export interface ScriptElementLike {
  readonly src: string;
  getAttribute(name: string): string | null;
}

let workerUrl: URL | undefined;

function parse(url: string | URL, base: string | undefined, what: string): URL {
  try {
    return new URL(url, base);
  } catch (cause) {
    throw new RealmTabsError("invalid-argument", `${what} is not a URL: ${String(url)}`, { cause, retryable: false });
  }
}

/**
 * Remembers the worker URL of the script that is running now: its `data-worker` attribute, resolved
 * against the script's URL, or {@link SCRIPT_WORKER_FILE} beside it. Does nothing without a script
 * element with a `src` (an inline script, or a module): then {@link setWorkerUrl} must be called.
 * @param script - `document.currentScript` while the build's code runs
 * @throws {RealmTabsError} `invalid-argument` if the script's `src` or `data-worker` is not a URL
 */
export function captureScriptWorkerUrl(script: ScriptElementLike | null | undefined): void {
  if (!script || typeof script.src !== "string" || script.src === "") return;
  const base = parse(script.src, undefined, "the script's src");
  workerUrl = parse(script.getAttribute("data-worker") ?? SCRIPT_WORKER_FILE, base.href, "the script's data-worker attribute");
}

/**
 * Sets the URL the `<script>` build starts its SharedWorker from, for Apps created after the call
 * (for a worker file served from another path than the script). Relative URLs resolve against the
 * page. In the global build: `Realm.setWorkerUrl("/assets/realm-tabs.worker.js")`.
 * @param url - the worker script's URL
 * @throws {RealmTabsError} `invalid-argument` if `url` is not a URL
 */
export function setWorkerUrl(url: string | URL): void {
  const base = typeof document === "undefined" ? undefined : document.baseURI;
  workerUrl = parse(url, base, "the worker URL");
}

/**
 * The URL the `<script>` build starts its SharedWorker from.
 * @throws {RealmTabsError} `worker-unavailable` if neither the script's element nor
 *   {@link setWorkerUrl} told it (the build was not loaded by a `<script src>` element)
 */
export function scriptWorkerUrl(): URL {
  if (!workerUrl) {
    throw new RealmTabsError(
      "worker-unavailable",
      `realm-tabs cannot tell where ${SCRIPT_WORKER_FILE} is: load realm-tabs.iife.js with <script src>, or call Realm.setWorkerUrl(url)`,
      { retryable: false },
    );
  }
  return new URL(workerUrl.href);
}
