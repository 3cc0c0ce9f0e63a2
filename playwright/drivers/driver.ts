/**
 * The thin browser driver the cross-browser scenarios (playwright/scenarios/) are written against,
 * so that one set of scenarios runs in Chromium through Playwright and in Firefox through
 * puppeteer-core over WebDriver BiDi (Playwright 1.65 cannot drive Debian's Firefox ESR; see
 * docs/browsers.md). It covers only what the scenarios need: isolated contexts, tabs, evaluation in
 * a tab, an auto-retrying wait with a deadline, and the list of running SharedWorkers.
 * @packageDocumentation
 */

/** One tab (page) of a browser context. */
export interface Tab {
  /**
   * Runs `fn` in the page and resolves to its (serialisable) result. `fn` is sent as source text:
   * it must not use anything from its Node-side scope; pass data through `arg`.
   * @throws the page's exception, or a driver error when the page closed or navigated meanwhile
   */
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /**
   * Navigates this tab to `url` and resolves once the page has loaded.
   * @throws a driver error when the navigation fails or takes longer than 30 s
   */
  goto(url: string): Promise<void>;
  /** Closes the tab (like a user closing it); resolves once the browser reports it closed. */
  close(): Promise<void>;
  /** True after {@link Tab.close}. */
  readonly closed: boolean;
}

/** An isolated browser context: its own SharedWorkers, IndexedDB, localStorage and channels. */
export interface TabContext {
  /**
   * Opens a new tab on `url` and resolves once the page has loaded (not once its App is ready; see
   * `openTab` in scenarios/tabs.ts).
   * @throws a driver error when the page does not load within 30 s
   */
  newTab(url: string): Promise<Tab>;
  /** Closes every tab and the context. Never throws. */
  close(): Promise<void>;
}

/** Options of {@link BrowserDriver.newContext}. */
export interface ContextOptions {
  /**
   * False: pages of this context have no `SharedWorker` (as in Chrome for Android), so `auto` mode
   * falls back to a leader tab. Default true.
   */
  sharedWorker?: boolean;
}

/** Options of {@link BrowserDriver.waitUntil}. */
export interface WaitOptions {
  /** What is awaited, for the error message. */
  message: string;
  /** Deadline in ms; default 10 000. */
  timeout?: number;
}

/** One browser, driven by one automation library. */
export interface BrowserDriver {
  /** The browser engine, e.g. for a scenario note. */
  readonly browserName: "chromium" | "firefox";
  /**
   * A new isolated context.
   * @throws a driver error when the browser cannot create it (or, without SharedWorker, start it)
   */
  newContext(options?: ContextOptions): Promise<TabContext>;
  /**
   * Calls `probe` again and again (with growing pauses, never one fixed sleep) until `accept`
   * holds for its result, and resolves to that result. A probe that throws counts as not yet.
   * @throws Error naming `message` and the last value or error when the deadline passes first
   */
  waitUntil<T>(probe: () => Promise<T>, accept: (value: T) => boolean, options: WaitOptions): Promise<T>;
  /**
   * The URLs of the SharedWorkers running in this browser now. Lists them without attaching a
   * debugger, which would keep a worker alive after its last tab closed.
   * @throws a driver error when the browser does not answer
   */
  sharedWorkerUrls(): Promise<string[]>;
  /** Closes everything this driver launched itself (never the runner's own browser). */
  close(): Promise<void>;
}

/** The default deadline of {@link BrowserDriver.waitUntil}, in ms. */
export const DEFAULT_WAIT_MS = 10_000;
