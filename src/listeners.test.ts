import { describe, expect, it, vi } from "vitest";
import { ListenerSet } from "./listeners.js";

describe("ListenerSet", () => {
  it("fires asynchronously with no arguments, and a throwing listener does not stop the others", async () => {
    const set = new ListenerSet();
    const seen: unknown[][] = [];
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    set.add(() => {
      throw new Error("bad listener");
    });
    set.add((...args: unknown[]) => {
      seen.push(args);
    });
    set.fire();
    expect(seen).toEqual([]); // not synchronous
    await vi.waitFor(() => expect(seen).toEqual([[]]));
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  it("removes one or all listeners, and adds a function once", async () => {
    const set = new ListenerSet();
    const f = vi.fn();
    set.add(f);
    set.add(f);
    expect(set.size).toBe(1);
    set.remove(f);
    set.fire();
    set.add(f);
    set.clear();
    set.fire();
    await Promise.resolve();
    expect(f).not.toHaveBeenCalled();
    expect(() => set.add("x" as unknown as () => void)).toThrow(TypeError);
  });
});
