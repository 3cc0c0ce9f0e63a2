/**
 * The session store's memory fallback, loaded the first time IndexedDB fails (features/lazy.ts).
 * @packageDocumentation
 */
export { takeOver } from "../io/fallbackStore.js";
