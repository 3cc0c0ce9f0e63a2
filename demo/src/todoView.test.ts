import { Long, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { isDone, MAX_TEXT, todoText } from "./todoView.js";

describe("todo labels", () => {
  it("keep strings (markup included) as they are, cut long ones", () => {
    expect(todoText("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
    expect(todoText("x".repeat(MAX_TEXT + 10))).toBe(`${"x".repeat(MAX_TEXT)}…`);
  });

  it("describe values that are not strings without calling their methods", () => {
    const hostile = { toString: "not a function", valueOf: 1 };
    expect(() => String(hostile)).toThrow(TypeError);
    expect(todoText(hostile)).toBe("(not text: object)");
    expect(todoText(null)).toBe("(not text: null)");
    expect(todoText(undefined)).toBe("(not text: undefined)");
    expect(todoText(["a"])).toBe("(not text: list)");
    expect(todoText(42)).toBe("(not text: number)");
    expect(todoText(new ObjectId())).toBe("(not text: ObjectId)");
    expect(todoText(Long.fromNumber(5))).toBe("(not text: Long)");
  });

  it("count only `true` as done", () => {
    expect([true, "true", 1, {}, null].map(isDone)).toEqual([true, false, false, false, false]);
  });
});
