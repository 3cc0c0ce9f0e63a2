import { describe, expect, it } from "vitest";
import { EJSON, ObjectId } from "bson";
import { ApiKeyAuth, stringId } from "./apiKeys.js";
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
