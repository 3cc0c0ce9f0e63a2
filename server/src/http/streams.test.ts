import { describe, expect, it, vi } from "vitest";
import { StreamRegistry, escapeSseData, sseDataFrame, sseErrorFrame } from "./streams.js";

describe("SSE framing", () => {
  it("percent-escapes only %, LF and CR", () => {
    expect(escapeSseData("a%b\nc\rd%0A")).toBe("a%25b%0Ac%0Dd%250A");
    expect(sseDataFrame('{"x":1}')).toBe('data: {"x":1}\n\n');
    expect(sseDataFrame('{"x":1}', "abc")).toBe('id: abc\ndata: {"x":1}\n\n');
  });

  it("writes error frames as realm-web parses them", () => {
    expect(sseErrorFrame("InvalidSession", "gone\n")).toBe('event: error\ndata: {"error_code":"InvalidSession","error":"gone\\n"}\n\n');
  });
});

describe("StreamRegistry", () => {
  it("counts streams (in all and per user) and closes them all", () => {
    const registry = new StreamRegistry();
    const closed: number[] = [];
    const remove = registry.add({ userId: "u1", sessionId: "s1", close: () => closed.push(1) });
    registry.add({ userId: "u1", sessionId: "s2", close: () => closed.push(2) });
    expect(registry.size).toBe(2);
    expect(registry.countFor("u1")).toBe(2);
    expect(registry.countFor("u2")).toBe(0);
    remove();
    expect(registry.size).toBe(1);
    registry.closeAll();
    expect(closed).toEqual([2]);
    expect(registry.size).toBe(0);
  });

  it("ends the streams of an ended session only, and keeps checking after closeAll (an admin reset), until disposed", async () => {
    const registry = new StreamRegistry();
    const ended: string[] = [];
    const dead = new Set<string>();
    registry.watchSessions((_user, session) => !dead.has(session));
    registry.closeAll();
    // like a real stream, closing removes it from the registry
    const add = (sessionId: string): void => {
      const remove = registry.add({
        userId: "u",
        sessionId,
        close: (code) => {
          ended.push(`${sessionId} ${code ?? ""}`);
          remove();
        },
      });
    };
    add("s1");
    add("s2");
    dead.add("s1");
    await vi.waitFor(() => expect(ended).toEqual(["s1 InvalidSession"]), { timeout: 3000 });
    registry.dispose();
    expect(ended).toEqual(["s1 InvalidSession", "s2 "]);
  });
});
