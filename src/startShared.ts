/**
 * Every module that both the tab's start and a chunk loaded later need. Each chunk loaded on
 * demand (`export * as sharedWithStart from "…/startShared.js"`) reaches all of them through
 * this module, so a bundler that splits by "which entries need this module" (Vite 8 / Rolldown,
 * whose chunk merging is off when the app uses top-level await, as a quick start does) puts them
 * all into ONE chunk beside the app's entry instead of one file each. Keep it in step with what the
 * lazy chunks import: bench/size/check.ts counts the files a tab loads at start.
 * @packageDocumentation
 * @internal
 */
export * from "./protocol/errors.js";
export * from "./protocol/events.js";
export * from "./protocol/snapshots.js";
export * from "./protocol/args.js";
export * from "./protocol/names.js";
export * from "./protocol/pageChannel.js";
export * from "./protocol/comlink.js";
export * from "./protocol/rpc.js";
export * from "./protocol/deadline.js";
export * from "./modes/select.js";
export * from "./modes/loaders.js";
export * from "./codec/lazy.js";
export * from "./compat/storage.js";
export * as Comlink from "comlink";
