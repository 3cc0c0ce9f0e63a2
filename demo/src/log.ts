/**
 * Event log: the listener events as this tab sees them (app listener, and one listener per user),
 * plus watch events, newest first.
 * @packageDocumentation
 */
import type { App } from "../../src/index.js";
import { byId, h } from "./dom.js";

const MAX_LINES = 60;

/** Builds the log panel into `#log`; returns the `log` function. */
export function mountLog(): (line: string) => void {
  const list = h("ol", { class: "log", testid: "event-log", reversed: true });
  byId("log").append(list);
  return (line) => {
    const time = new Date().toLocaleTimeString([], { hour12: false });
    list.prepend(h("li", { testid: "event" }, h("time", {}, time), ` ${line}`));
    while (list.children.length > MAX_LINES) list.lastElementChild?.remove();
  };
}

/** Adds an app listener, and a listener to every user as it appears, each writing to `log`. */
export function listenAll(app: App, log: (line: string) => void, onChange: () => void): void {
  const watched = new Set<string>();
  const follow = (): void => {
    for (const user of Object.values(app.allUsers)) {
      if (watched.has(user.id)) continue;
      watched.add(user.id);
      user.addListener(() => log(`user listener: ${user.id.slice(-6)} is ${user.state}`));
    }
  };
  app.addListener(() => {
    const current = app.currentUser;
    log(`app listener: ${Object.keys(app.allUsers).length} user(s), current ${current ? current.id.slice(-6) : "none"}`);
    follow();
    onChange();
  });
  follow();
}
