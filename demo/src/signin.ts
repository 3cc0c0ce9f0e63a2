/**
 * Sign-in panel: anonymous, email/password (register with the server's auto-confirm, then log in),
 * and API key. Failures show on the panel's error line.
 * @packageDocumentation
 */
import { Credentials, type App } from "../../src/index.js";
import { act, byId, h } from "./dom.js";

/** Builds the sign-in panel into `#signin`. */
export function mountSignIn(app: App): void {
  const panel = byId("signin");
  const error = h("p", { class: "error", testid: "signin-error", role: "alert" });
  const email = h("input", { testid: "signin-email", type: "email", placeholder: "email", autocomplete: "username" });
  const password = h("input", {
    testid: "signin-password",
    type: "password",
    placeholder: "password (6+)",
    autocomplete: "current-password",
  });
  const apiKey = h("input", { testid: "signin-apikey", placeholder: "API key", autocomplete: "off" });

  const anon: HTMLButtonElement = h(
    "button",
    {
      testid: "signin-anon",
      onclick: () =>
        void act(error, anon, async () => {
          await app.logIn(Credentials.anonymous());
        }),
    },
    "Log in anonymously",
  );
  const login: HTMLButtonElement = h(
    "button",
    {
      testid: "signin-login",
      onclick: () =>
        void act(error, login, async () => {
          await app.logIn(Credentials.emailPassword(email.value, password.value));
        }),
    },
    "Log in",
  );
  const register: HTMLButtonElement = h(
    "button",
    {
      testid: "signin-register",
      class: "secondary",
      title: "register (auto-confirmed by the local server), then log in",
      onclick: () =>
        void act(error, register, async () => {
          await app.emailPasswordAuth.registerUser({ email: email.value, password: password.value });
          await app.logIn(Credentials.emailPassword(email.value, password.value));
        }),
    },
    "Register & log in",
  );
  const keyLogin: HTMLButtonElement = h(
    "button",
    {
      testid: "signin-apikey-login",
      onclick: () =>
        void act(error, keyLogin, async () => {
          await app.logIn(Credentials.apiKey(apiKey.value.trim()));
        }),
    },
    "Log in with key",
  );

  panel.append(
    h("div", { class: "row" }, anon),
    h("form", { class: "row", onsubmit: (e) => e.preventDefault() }, email, password, login, register),
    h("div", { class: "row" }, apiKey, keyLogin),
    error,
  );
}
