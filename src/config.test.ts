import { afterEach, describe, expect, it, vi } from "vitest";
import { normalizeConfig } from "./config.js";

describe("normalizeConfig: baseUrl", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("keeps an absolute URL, without its trailing slashes", () => {
    expect(normalizeConfig({ id: "a", baseUrl: "http://127.0.0.1:5000//" }).baseUrl).toBe("http://127.0.0.1:5000");
  });

  it("takes an empty baseUrl as the default, as realm-web does", () => {
    expect(normalizeConfig({ id: "a", baseUrl: "" }).baseUrl).toBe(normalizeConfig({ id: "a" }).baseUrl);
  });

  it("resolves a relative baseUrl against the page (a reverse proxy on the app's origin), as realm-web's fetch does", () => {
    vi.stubGlobal("location", { href: "https://app.example.com/todos/list?x=1" });
    expect(normalizeConfig({ id: "a", baseUrl: "/realm" }).baseUrl).toBe("https://app.example.com/realm");
    expect(normalizeConfig({ id: "a", baseUrl: "realm/" }).baseUrl).toBe("https://app.example.com/todos/realm");
  });

  it("refuses a relative baseUrl outside a page, and one that is not a URL", () => {
    expect(() => normalizeConfig({ id: "a", baseUrl: "/realm" })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
    vi.stubGlobal("location", { href: "https://app.example.com/" });
    expect(() => normalizeConfig({ id: "a", baseUrl: "http://[::1" })).toThrow(expect.objectContaining({ code: "invalid-argument" }));
  });
});
