/**
 * Every module that both the tab's start and a chunk loaded later need. Each chunk loaded on
 * demand reaches all of them through this module (via `laterShared.ts`), so a bundler that splits
 * by "which entries need this module" (Vite 8 / Rolldown, whose chunk merging is off when the app
 * uses top-level await, as a quick start does) puts them all into ONE chunk beside the app's entry
 * instead of one file each. One name per module is enough to reach it (and keeps the namespace
 * object the re-export builds small). Keep it in step with what the start needs:
 * bench/size/check.ts counts the files a tab loads at start.
 * @packageDocumentation
 * @internal
 */
export { RealmTabsError } from "./protocol/errors.js";
export { UserState } from "./protocol/snapshots.js";
export { nonEmptyString } from "./protocol/args.js";
export { appKeyFor } from "./protocol/names.js";
export { loadOnDemand } from "./protocol/deadline.js";
export { loadFullCodec } from "./codec/lazy.js";
