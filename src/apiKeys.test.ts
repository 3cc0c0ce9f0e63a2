import { describe, expect, it } from "vitest";
import { EJSON, ObjectId } from "bson";
import { ApiKeyAuth } from "./apiKeys.js";
import { EmailPasswordAuth } from "./emailPassword.js";
import { stringId } from "./accountCalls.js";
import type { RuntimeCall } from "./watch.js";

const hex = "65f0aaaaaaaaaaaaaaaaaaaa";

/** An ApiKeyAuth whose runtime answers every call with `answer` (canonical EJSON, as the worker sends it). */
function keysAnswering(answer: unknown): ApiKeyAuth {
  const call = (async () => EJSON.stringify(answer, { relaxed: false })) as unknown as RuntimeCall;
  return new ApiKeyAuth(call, "u1");
}

describe("API key ids", () => {
  it("are strings whether the server sent an $oid or a string", async () => {
    expect(await keysAnswering({ _id: new ObjectId(hex), name: "k", disabled: false, key: "s" }).create("k")).toEqual({
      _id: hex,
      name: "k",
      disabled: false,
      key: "s",
    });
    expect(await keysAnswering({ _id: hex, name: "k", disabled: false }).fetch(hex)).toEqual({ _id: hex, name: "k", disabled: false });
    expect(await keysAnswering([{ _id: new ObjectId(hex), name: "k", disabled: true }]).fetchAll()).toEqual([
      { _id: hex, name: "k", disabled: true },
    ]);
  });

  it("leaves other answers alone", () => {
    expect(stringId(null)).toBeNull();
    expect(stringId({ name: "x" })).toEqual({ name: "x" });
  });
});

describe("argument checks before anything is sent", () => {
  it("API keys: an empty name or a malformed id rejects with invalid-argument; an ObjectId is sent as its hex string", async () => {
    const sent: unknown[][] = [];
    const call = (async (_op: unknown, run: (method: (...args: unknown[]) => Promise<string>, appKey: string) => Promise<string>) =>
      run(async (...args: unknown[]) => {
        sent.push(args);
        return "null";
      }, "k")) as unknown as RuntimeCall;
    const keys = new ApiKeyAuth(call, "u1");
    await expect(keys.create("")).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(keys.fetch("not-hex")).rejects.toMatchObject({ code: "invalid-argument" });
    await expect(keys.delete(42 as never)).rejects.toMatchObject({ code: "invalid-argument" });
    expect(sent).toEqual([]);
    await keys.enable(new ObjectId(hex));
    expect(sent).toEqual([["k", "u1", "enable", hex]]);
  });

  it("email/password: a missing field rejects with invalid-argument naming the SDK method", async () => {
    let sent = 0;
    const call = (async () => {
      sent += 1;
    }) as unknown as RuntimeCall;
    const auth = new EmailPasswordAuth(call);
    await expect(auth.registerUser({ email: "a@b.c" } as never)).rejects.toMatchObject({
      code: "invalid-argument",
      message: "registerUser: password must be a non-empty string",
    });
    await expect(auth.callResetPasswordFunction(null as never)).rejects.toMatchObject({ code: "invalid-argument" });
    expect(sent).toBe(0);
  });
});
