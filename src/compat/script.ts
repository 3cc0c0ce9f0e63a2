/**
 * The entry of the `<script>` build (`dist/realm-tabs.iife.js`): the whole library as the global
 * `Realm`, for pages without a bundler, as realm-web's IIFE bundle. Its SharedWorker is the file
 * `realm-tabs.worker.js` beside the script (see scriptWorker.ts; `data-worker` on the script
 * element or `Realm.setWorkerUrl(url)` names another).
 * @packageDocumentation
 */
import { captureScriptWorkerUrl } from "./scriptWorker.js";

captureScriptWorkerUrl(typeof document === "undefined" ? null : (document.currentScript as HTMLScriptElement | null));

export * from "../index.js";
export { setWorkerUrl } from "./scriptWorker.js";
