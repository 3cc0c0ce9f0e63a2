import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { loggableUrl, requestInfo } from "./requestInfo.js";

function fakeRequest(url: string, headers: Record<string, string[]>): FastifyRequest {
  const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(", ")]));
  return { method: "GET", url, ip: "127.0.0.1", headers: flat, raw: { headersDistinct: headers } } as unknown as FastifyRequest;
}

describe("requestInfo", () => {
  it("describes the request as App Services does, with canonical header names", () => {
    const info = requestInfo(
      fakeRequest("/api/client/v2.0/app/a/functions/call?x=1&y=2", {
        "user-agent": ["test-agent"],
        referer: ["http://127.0.0.1:5173/page"],
        "x-forwarded-for": ["10.0.0.1", "10.0.0.2"],
      }),
      "sum",
    );
    expect(info).toEqual({
      httpMethod: "GET",
      httpReferrer: "http://127.0.0.1:5173/page",
      httpUserAgent: "test-agent",
      rawQueryString: "x=1&y=2",
      remoteIPAddress: "127.0.0.1",
      requestHeaders: {
        "User-Agent": ["test-agent"],
        Referer: ["http://127.0.0.1:5173/page"],
        "X-Forwarded-For": ["10.0.0.1", "10.0.0.2"],
      },
      action: "sum",
    });
  });

  it("leaves out the credentials: the Authorization and Cookie headers and a watch stream's baas_at", () => {
    const info = requestInfo(
      fakeRequest("/api/client/v2.0/app/a/functions/call?baas_request=abc&baas_at=eyJ.secret.x", {
        authorization: ["Bearer eyJ.secret.x"],
        cookie: ["session=1"],
        // an HTTPS endpoint's credential headers
        email: ["ada@example.com"],
        password: ["secret-pw"],
        apikey: ["secret-key"],
        jwttokenstring: ["secret-jwt"],
        accept: ["text/event-stream"],
      }),
      "watch",
      "mongodb-atlas",
    );
    expect(info.requestHeaders).toEqual({ Accept: ["text/event-stream"] });
    expect(info.rawQueryString).toBe("baas_request=abc");
    expect(info).toMatchObject({ service: "mongodb-atlas", action: "watch" });
    // App Services: "If the request did not include a Referer header then this is undefined" (and User-Agent)
    expect([info.httpReferrer, info.httpUserAgent]).toEqual([undefined, undefined]);
    expect(JSON.stringify(info)).not.toContain("secret");
    expect(requestInfo(fakeRequest("/x?baas_at=t&a=1", {}), "watch").rawQueryString).toBe("a=1");
    // App Services removes the `secret` parameter ("?secret=hello&someParam=42" gives "someParam=42")
    expect(requestInfo(fakeRequest("/x?secret=hello&someParam=42", {}), "f").rawQueryString).toBe("someParam=42");
    expect(requestInfo(fakeRequest("/x?a=1&secret&secretive=2", {}), "f").rawQueryString).toBe("a=1&secretive=2");
    // however the name is encoded (a server decodes it before it compares)
    expect(requestInfo(fakeRequest("/x?secr%65t=hello&a=1&baas%5Fat=t&b=%zz", {}), "f").rawQueryString).toBe("a=1&b=%zz");
  });
});

describe("the request log's URL", () => {
  it("leaves out secret and baas_at parameters", () => {
    expect(loggableUrl("/app/a/endpoint/x?secret=s3cret&a=1")).toBe("/app/a/endpoint/x?a=1");
    expect(loggableUrl("/w?baas_request=r&baas_at=token")).toBe("/w?baas_request=r");
    expect(loggableUrl("/w?secr%65t=s3cret")).toBe("/w");
    expect(loggableUrl("/plain")).toBe("/plain");
  });
});
