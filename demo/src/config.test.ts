import { describe, expect, it } from "vitest";
import { serverTarget } from "./config.js";

const built = { appId: "realm-tabs-demo", baseUrl: "https://realm.example.com" };
const search = "?server=https://attacker.example&app=phish";

describe("the demo's server target", () => {
  it("ignores ?server= and ?app= in a production build", () => {
    expect(serverTarget(search, { DEV: false, MODE: "production" }, built)).toEqual(built);
  });

  it("honours them in development and test builds", () => {
    const override = { appId: "phish", baseUrl: "https://attacker.example" };
    expect(serverTarget(search, { DEV: true, MODE: "development" }, built)).toEqual(override);
    expect(serverTarget(search, { DEV: false, MODE: "test" }, built)).toEqual(override);
    expect(serverTarget("", { DEV: true, MODE: "development" }, built)).toEqual(built);
  });
});
