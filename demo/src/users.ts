/**
 * Users panel: every user of `app.allUsers` with state, provider, identities and a live countdown
 * to its access token's expiry; switch, log out, remove, delete; the current user highlighted.
 * @packageDocumentation
 */
import type { App, User } from "../../src/index.js";
import { act, byId, h } from "./dom.js";
import { countdown } from "./tokens.js";

function label(user: User): string {
  const email = (user.profile as { email?: unknown }).email;
  return typeof email === "string" ? email : `${user.providerType} ${user.id.slice(-6)}`;
}

function actions(app: App, user: User, error: HTMLElement): HTMLElement {
  const button = (testid: string, text: string, run: () => Promise<unknown>, enabled = true): HTMLButtonElement => {
    const b: HTMLButtonElement = h(
      "button",
      {
        testid,
        class: "small",
        disabled: !enabled,
        onclick: () =>
          void act(error, b, async () => {
            await run();
          }),
      },
      text,
    );
    return b;
  };
  return h(
    "div",
    { class: "actions" },
    button("user-switch", "Switch", () => app.switchUser(user), user.isLoggedIn && app.currentUser?.id !== user.id),
    button("user-logout", "Log out", () => user.logOut(), user.isLoggedIn),
    button("user-remove", "Remove", () => app.removeUser(user)),
    button("user-delete", "Delete", () => app.deleteUser(user), user.isLoggedIn),
    button(
      "user-apikey",
      "New API key",
      async () => {
        const key = await user.apiKeys.create(`demo-${Date.now()}`);
        const input = document.querySelector<HTMLInputElement>('[data-testid="signin-apikey"]');
        if (input && key.key) input.value = key.key;
      },
      user.isLoggedIn && user.providerType !== "api-key",
    ),
  );
}

function row(app: App, user: User, error: HTMLElement): HTMLElement {
  const current = app.currentUser?.id === user.id;
  const identities = user.identities.map((i) => i.providerType).join(", ") || "none";
  return h(
    "li",
    { testid: "user-row", class: current ? "user current" : "user", "data-user-id": user.id, "data-state": user.state },
    h(
      "div",
      { class: "who" },
      h("b", { testid: "user-label" }, label(user)),
      current ? h("span", { class: "badge current-badge", testid: "user-current" }, "current") : null,
      h("span", { class: `badge state-${user.state}`, testid: "user-state" }, user.state),
    ),
    h(
      "div",
      { class: "meta" },
      h("span", {}, `id ${user.id}`),
      " · ",
      h("span", { testid: "user-provider" }, `provider ${user.providerType}`),
      " · ",
      h("span", { testid: "user-identities" }, `identities ${identities}`),
      " · ",
      h("span", { testid: "user-expiry", class: "expiry", "data-token": user.accessToken ?? "" }, countdown(user.accessToken)),
    ),
    actions(app, user, error),
  );
}

/** Builds the users panel into `#users`; returns `render` (call it when the app changes). */
export function mountUsers(app: App): () => void {
  const panel = byId("users");
  const list = h("ul", { class: "users", testid: "users" });
  const empty = h("p", { class: "note", testid: "users-empty" }, "No users yet: sign in.");
  const error = h("p", { class: "error", testid: "users-error", role: "alert" });
  panel.append(list, empty, error);
  const render = (): void => {
    const users = Object.values(app.allUsers);
    list.replaceChildren(...users.map((u) => row(app, u, error)));
    empty.hidden = users.length > 0;
    const current = app.currentUser;
    byId("current-user-line").textContent = current ? `Signed in as ${label(current)} (${current.providerType})` : "Signed out";
  };
  setInterval(() => {
    for (const span of list.querySelectorAll<HTMLElement>(".expiry")) span.textContent = countdown(span.dataset.token || null);
  }, 1000);
  return render;
}
