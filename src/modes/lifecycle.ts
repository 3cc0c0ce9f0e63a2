/**
 * Page lifecycle: a tab restored from the back/forward cache (`pageshow` with `persisted`),
 * unfrozen (`resume`) or shown again (`visibilitychange` to visible) may have missed events while
 * it slept; it asks the runtime for the current snapshot at once.
 * @packageDocumentation
 */

/**
 * Calls `onWake` whenever the page wakes up (see module doc). No-op outside a page.
 * @returns stops listening
 */
export function onPageWake(onWake: (why: "pageshow" | "resume" | "visible") => void): () => void {
  if (typeof window === "undefined" || typeof document === "undefined") return () => {};
  const pageshow = (e: PageTransitionEvent): void => {
    if (e.persisted) onWake("pageshow");
  };
  const resume = (): void => onWake("resume");
  const visibility = (): void => {
    if (document.visibilityState === "visible") onWake("visible");
  };
  window.addEventListener("pageshow", pageshow);
  document.addEventListener("resume", resume);
  document.addEventListener("visibilitychange", visibility);
  return () => {
    window.removeEventListener("pageshow", pageshow);
    document.removeEventListener("resume", resume);
    document.removeEventListener("visibilitychange", visibility);
  };
}
