/** realm-web's User surface beyond realm-js v12's: `user.app`, `user.push`, the reserved function names. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Credentials } from "./credentials.js";
import { closeAll, tabs } from "../test/memory-runtime.js";

afterEach(closeAll);

describe("User as in realm-web", () => {
  it("user.app is the app that logged it in", async () => {
    const {
      apps: [a],
    } = tabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    expect(user.app).toBe(a);
  });

  it("user.push throws not-supported", async () => {
    const {
      apps: [a],
    } = tabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    expect(() => user.push()).toThrow(expect.objectContaining({ code: "not-supported" }));
  });

  it("functions.callFunction(name, ...args) calls the function name, not a function called callFunction", async () => {
    const {
      runtime,
      apps: [a],
    } = tabs(1);
    const user = await a!.logIn(Credentials.anonymous());
    const result = (await user.functions.callFunction("sum", 1)) as { sum: number };
    expect(result.sum).toBe(3);
    await vi.waitFor(() => expect(runtime.calls.map((c) => c.name)).toEqual(["sum"]));
  });
});
