/**
 * Every module that the runtime connection (attachment.ts, which the App loads at once) and a
 * chunk loaded later (a fallback mode, watch, the MongoDB methods, the codec…) both need, plus the
 * start's shared modules (startShared.ts). `attachment.ts` re-exports this module and every chunk
 * loaded later re-exports `attachment.ts` (`export * as sharedWithAttachment from "…/attachment.js"`),
 * so Vite 8 / Rolldown puts these modules into the attachment's chunk instead of one chunk per
 * combination of importers. One name per module is enough to reach it (and keeps the namespace
 * object small). Keep it in step with what the lazy chunks import.
 * @packageDocumentation
 * @internal
 */
export * as sharedWithStart from "./startShared.js";
export { isSessionEvent } from "./protocol/events.js";
export { wrapSession } from "./protocol/comlink.js";
// the runtime side of the error codec: with it here, the chunks of the fallback modes share this
// chunk and its bundler runtime instead of a third file loaded right after start
export { serializeError } from "./protocol/encodeError.js";
export { READ_ONLY_METHODS } from "./protocol/rpc.js";
export { detectCapabilities } from "./modes/select.js";
export { loadRuntimeModules } from "./modes/loaders.js";
export { wrap } from "comlink";
