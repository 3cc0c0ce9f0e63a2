/**
 * Tiny DOM helpers of the demo: build elements, and run an action showing its error inline.
 * @packageDocumentation
 */

/** Attributes of {@link h}: `testid` becomes `data-testid`, `class` the class name, `on*` listeners. */
export interface Props {
  testid?: string;
  class?: string;
  [attribute: string]: string | number | boolean | undefined | ((event: Event) => void);
}

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "testid") element.dataset.testid = String(value);
    else if (key === "class") element.className = String(value);
    else if (key === "value" && "value" in element) (element as HTMLInputElement).value = String(value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

/** The element with this id. @throws Error if the page lacks it */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo page: #${id} is missing`);
  return element;
}

/** The text of an error as a person should read it: `Name (code): message`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as Error & { errorCode?: string; code?: string; statusCode?: number };
  const code = fields.errorCode ?? fields.code;
  return `${error.name}${code ? ` (${code})` : ""}: ${error.message}`;
}

/**
 * Runs a user action: disables `button` meanwhile, clears `errorLine`, and shows a failure there
 * instead of letting it escape as an uncaught rejection.
 */
export async function act(errorLine: HTMLElement, button: HTMLButtonElement | null, action: () => Promise<void>): Promise<void> {
  errorLine.textContent = "";
  if (button) button.disabled = true;
  try {
    await action();
  } catch (error) {
    errorLine.textContent = describeError(error);
  } finally {
    if (button) button.disabled = false;
  }
}
