import { describe, expect, it } from "vitest";
import { USAGE, parseCli } from "./cliArgs.js";

describe("parseCli", () => {
  it("maps every flag to the server's options", () => {
    expect(
      parseCli([
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--app-id",
        "my-app",
        "--data",
        "/tmp/data",
        "--admin-token",
        "an-admin-token",
        "--access-token-ttl",
        "60",
        "--refresh-token-ttl",
        "3600",
        "--app",
        "demo/app",
        "--environment",
        "qa",
        "--secrets",
        "secrets.json",
        "--config",
        "config.json",
        "--allow-any-origin",
        "--dev-oauth",
        "--public-url",
        "https://realm.example.com",
        "--verbose",
      ]),
    ).toEqual({
      inMemory: false,
      logger: true,
      port: 0,
      host: "127.0.0.1",
      appId: "my-app",
      dataDir: "/tmp/data",
      config: "config.json",
      adminToken: "an-admin-token",
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
      appDir: "demo/app",
      environment: "qa",
      secrets: "secrets.json",
      allowAnyOrigin: true,
      devOAuth: true,
      publicUrl: "https://realm.example.com",
    });
  });

  it("keeps sessions in memory without --data or with --in-memory, and leaves unset flags out", () => {
    expect(parseCli([])).toEqual({ inMemory: true, logger: false });
    expect(parseCli(["--in-memory", "--data", "/tmp/data", "--allow-all-data", "--functions", "fns"])).toEqual({
      inMemory: true,
      logger: false,
      functionsDir: "fns",
      allowAllData: true,
    });
  });

  it.each([
    [["--port", "abc"], /^--port must be an integer >= 0$/],
    [["--port=-1"], /^--port must be an integer >= 0$/],
    [["--access-token-ttl", "0"], /^--access-token-ttl must be an integer >= 1$/],
    [["--refresh-token-ttl", "1.5"], /^--refresh-token-ttl must be an integer >= 1$/],
    [["--public-url", "not a url"], /^--public-url must be an http\(s\) URL, got 'not a url'$/],
    [["--public-url", "ftp://realm.example.com"], /^--public-url must be an http\(s\) URL/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--port"], /--port/],
    [["--admin-token", ""], /^--admin-token: /],
    [["--admin-token", "short"], /^--admin-token: /],
    [["--admin-token=       "], /^--admin-token: /],
  ])("refuses %j with a message that names the argument", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });

  it("leaves the usage text to the CLI: no message carries it", () => {
    for (const argv of [["--port", "abc"], ["--bogus"], ["--admin-token", "short"]]) {
      let message = "";
      try {
        parseCli(argv);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toBe("");
      expect(message).not.toContain(USAGE);
    }
  });
});
