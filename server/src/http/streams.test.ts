import { describe, expect, it } from "vitest";
import { StreamRegistry, escapeSseData, sseDataFrame, sseErrorFrame } from "./streams.js";

describe("SSE framing", () => {
  it("percent-escapes only %, LF and CR", () => {
    expect(escapeSseData("a%b\nc\rd%0A")).toBe("a%25b%0Ac%0Dd%250A");
    expect(sseDataFrame('{"x":1}')).toBe('data: {"x":1}\n\n');
  });

  it("writes error frames as realm-web parses them", () => {
    expect(sseErrorFrame("InvalidSession", "gone\n")).toBe('event: error\ndata: {"error_code":"InvalidSession","error":"gone\\n"}\n\n');
  });
});

describe("StreamRegistry", () => {
  it("counts streams and closes them all", () => {
    const registry = new StreamRegistry();
    const closed: number[] = [];
    const remove = registry.add({ close: () => closed.push(1) });
    registry.add({ close: () => closed.push(2) });
    expect(registry.size).toBe(2);
    remove();
    expect(registry.size).toBe(1);
    registry.closeAll();
    expect(closed).toEqual([2]);
    expect(registry.size).toBe(0);
  });
});
