import { Binary } from "bson";
import { describe, expect, test } from "vitest";
import { endpointArguments, EndpointResponse } from "./endpointCall.js";

describe("an endpoint function's Request", () => {
  test("copies of the headers and query; the body as a BSON.Binary, undefined without one", () => {
    const headers = { "Content-Type": ["application/json"] };
    const { request } = endpointArguments({ headers, query: { a: "1" }, body: new Uint8Array([104, 105]) });
    expect(request.body).toBeInstanceOf(Binary);
    expect(request.body?.toString("utf8")).toBe("hi");
    request.headers["Content-Type"]?.push("changed");
    expect(headers["Content-Type"]).toEqual(["application/json"]);
    expect(endpointArguments({ headers: {}, query: {} }).request.body).toBeUndefined();
  });
});

describe("an endpoint function's Response", () => {
  test("status, body (string or Binary) and headers, set and added case-insensitively", () => {
    const response = new EndpointResponse();
    expect(response.state()).toEqual({ headers: {} });
    response.setStatusCode(201);
    response.setBody("héllo");
    response.setHeader("Content-Type", "text/plain");
    response.addHeader("Cache-Control", "max-age=600");
    response.addHeader("cache-control", "min-fresh=60");
    response.setHeader("X-Count", 3);
    const state = response.state();
    expect(state).toMatchObject({
      statusCode: 201,
      headers: { "Content-Type": ["text/plain"], "Cache-Control": ["max-age=600", "min-fresh=60"], "X-Count": ["3"] },
    });
    expect(Buffer.from(state.body ?? []).toString("utf8")).toBe("héllo");
    response.setBody(new Binary(Buffer.from([1, 2, 3])));
    expect([...(response.state().body ?? [])]).toEqual([1, 2, 3]);
    response.setHeader("cache-control", "no-store");
    expect(response.state().headers).toEqual({ "Content-Type": ["text/plain"], "cache-control": ["no-store"], "X-Count": ["3"] });
  });

  test.each([
    ["setStatusCode(99)", (r: EndpointResponse) => r.setStatusCode(99)],
    ["setStatusCode(100), which would leave the request unanswered", (r: EndpointResponse) => r.setStatusCode(100)],
    ["setStatusCode(101)", (r: EndpointResponse) => r.setStatusCode(101)],
    ["setStatusCode(600)", (r: EndpointResponse) => r.setStatusCode(600)],
    ["setStatusCode(200.5)", (r: EndpointResponse) => r.setStatusCode(200.5)],
    ["setStatusCode('200')", (r: EndpointResponse) => r.setStatusCode("200")],
    ["setBody({})", (r: EndpointResponse) => r.setBody({})],
    ["a header value with a line break", (r: EndpointResponse) => r.setHeader("X-A", "a\r\nSet-Cookie: b")],
    ["a header name with a space", (r: EndpointResponse) => r.addHeader("X A", "a")],
    ["Content-Length", (r: EndpointResponse) => r.setHeader("Content-Length", "5")],
    ["Transfer-Encoding", (r: EndpointResponse) => r.addHeader("transfer-encoding", "chunked")],
  ])("refuses %s with a TypeError", (_label, misuse) => {
    expect(() => misuse(new EndpointResponse())).toThrow(TypeError);
  });
});
