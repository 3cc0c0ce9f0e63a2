/**
 * A set of no-argument listeners that fire asynchronously (queueMicrotask), each isolated: a
 * throwing listener is reported and never stops the others or the caller.
 * @packageDocumentation
 */

/** A listener as realm-js v12 calls it: with no arguments. */
export type Listener = () => void;

/** Reports a listener's error without throwing (a listener must never break the mirror). */
function report(error: unknown): void {
  console.error("[realm-tabs] a listener threw", error);
}

/** Listeners of one `User` or one `App`. */
export class ListenerSet {
  private readonly listeners = new Set<Listener>();

  /**
   * Adds a listener (adding the same function twice keeps one).
   * @throws {TypeError} if `listener` is not a function
   */
  add(listener: Listener): void {
    if (typeof listener !== "function") throw new TypeError("a listener must be a function");
    this.listeners.add(listener);
  }

  /** Removes a listener; unknown listeners are ignored. */
  remove(listener: Listener): void {
    this.listeners.delete(listener);
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }

  /** Number of listeners. */
  get size(): number {
    return this.listeners.size;
  }

  /** Calls every listener in a microtask of its own, with no arguments. */
  fire(): void {
    for (const listener of [...this.listeners]) {
      queueMicrotask(() => {
        try {
          listener();
        } catch (error) {
          report(error);
        }
      });
    }
  }
}
