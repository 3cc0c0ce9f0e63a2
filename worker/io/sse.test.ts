/** The SSE framing of watch streams (protocol reference §4.2 and §5.1). */
import { describe, expect, it } from "vitest";
import { WatchError } from "../../src/protocol/errors.js";
import { decodeFrame, unescapeData, watchRequestBody, watchUrl } from "./sse.js";

describe("watch SSE", () => {
  it("builds realm-web's baas_request (base64 of plain JSON, then percent-encoded)", () => {
    const spec = { service: "mongodb-atlas", database: "d", collection: "c", idsEJSON: '[{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}]' };
    expect(watchRequestBody(spec)).toBe(
      '{"name":"watch","arguments":[{"database":"d","collection":"c","ids":[{"$oid":"65f0aaaaaaaaaaaaaaaaaaaa"}]}],"service":"mongodb-atlas"}',
    );
    const url = new URL(watchUrl("http://h", "app", { ...spec, idsEJSON: undefined, filterEJSON: '{"x":"é"}' }));
    expect(url.pathname).toBe("/api/client/v2.0/app/app/functions/call");
    const body = new TextDecoder().decode(Uint8Array.from(atob(url.searchParams.get("baas_request")!), (ch) => ch.charCodeAt(0)));
    expect(JSON.parse(body)).toEqual({
      name: "watch",
      arguments: [{ database: "d", collection: "c", filter: { x: "é" } }],
      service: "mongodb-atlas",
    });
  });

  it("un-escapes only %25, %0A and %0D", () => {
    expect(unescapeData("a%0Ab%0Dc%25d%20e")).toBe("a\nb\rc%d%20e");
    expect(unescapeData("%2525")).toBe("%25");
  });

  it("decodes events to canonical EJSON, ignores other types, and turns error frames into WatchError", () => {
    expect(decodeFrame(undefined, '{"operationType":"insert","n":1}')).toBe('{"operationType":"insert","n":{"$numberInt":"1"}}');
    expect(decodeFrame("message", '{"s":"50%25"}')).toBe('{"s":"50%"}');
    expect(decodeFrame("ping", "x")).toBeNull();
    expect(() => decodeFrame("error", '{"error_code":"InvalidSession","error":"gone"}')).toThrow(
      expect.objectContaining({ code: "InvalidSession", message: "gone" }),
    );
    expect(() => decodeFrame("error", "not json")).toThrow(expect.objectContaining({ code: "unknown", message: "not json" }));
    expect(() => decodeFrame(undefined, "[1]")).toThrow(WatchError);
    expect(() => decodeFrame(undefined, "{")).toThrow(expect.objectContaining({ code: "bad bson parse" }));
  });
});
