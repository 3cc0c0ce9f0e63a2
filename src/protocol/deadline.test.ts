import { describe, expect, it } from "vitest";
import { withDeadline } from "./deadline.js";

describe("withDeadline", () => {
  it("rejects with a retryable timeout when the promise does not settle in time", async () => {
    const error = await withDeadline(new Promise(() => {}), 20, "ping").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", retryable: true });
    expect((error as Error).message).toContain("ping");
  });

  it("passes values and rejections through", async () => {
    await expect(withDeadline(Promise.resolve(5), 1000, "x")).resolves.toBe(5);
    await expect(withDeadline(Promise.reject(new Error("no")), 1000, "x")).rejects.toThrow("no");
  });
});
