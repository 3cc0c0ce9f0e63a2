/**
 * Status line: connection, runtime mode (`app.mode`), tabs connected to the
 * runtime and access-token refreshes it sent (`app.stats()`), polled every two seconds.
 * @packageDocumentation
 */
import type { App } from "../../src/index.js";
import { byId, describeError } from "./dom.js";

/** Starts updating the status line. */
export function mountStatus(app: App): void {
  const connection = byId("status").querySelector<HTMLElement>('[data-testid="status-connection"]');
  const set = (testid: string, text: string): void => {
    const element = document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    if (element) element.textContent = text;
  };
  const poll = async (): Promise<void> => {
    try {
      const stats = await app.stats();
      set("status-tabs", String(stats.tabs));
      set("status-refreshes", String(stats.refreshes));
      set("status-mode", app.mode ?? "connecting");
      if (connection) connection.textContent = "connected";
    } catch (error) {
      if (connection) connection.textContent = `disconnected: ${describeError(error)}`;
    }
  };
  app.ready.then(poll, (error: unknown) => {
    if (connection) connection.textContent = `failed: ${describeError(error)}`;
  });
  setInterval(() => void poll(), 2000);
}
