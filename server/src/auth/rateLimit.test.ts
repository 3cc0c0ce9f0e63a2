import { describe, expect, it } from "vitest";
import { AnonymousLoginLimiter, LoginThrottle } from "./rateLimit.js";

const locked = expect.objectContaining({ statusCode: 429, errorCode: "TooManyRequests" });

describe("LoginThrottle", () => {
  const make = () => new LoginThrottle({ perAccount: 3, perAddress: 10, decayMs: 60_000 });

  it("locks one account for one client address after N failures; other addresses and accounts keep working", () => {
    const t = make();
    for (let i = 0; i < 3; i++) t.fail("victim", "10.0.0.66", 0);
    expect(() => t.check("victim", "10.0.0.66", 1)).toThrow(locked);
    expect(() => t.check("victim", "10.0.0.7", 1)).not.toThrow();
    expect(() => t.check("other", "10.0.0.66", 1)).not.toThrow();
  });

  it("decays: each decay period forgives one failure, so a lock never lasts for good", () => {
    const t = make();
    for (let i = 0; i < 3; i++) t.fail("a", "ip", 0);
    expect(() => t.check("a", "ip", 59_000)).toThrow(locked);
    expect(() => t.check("a", "ip", 60_000)).not.toThrow();
    // one more failure locks again, for one period only
    t.fail("a", "ip", 60_000);
    expect(() => t.check("a", "ip", 61_000)).toThrow(locked);
    expect(() => t.check("a", "ip", 120_000)).not.toThrow();
  });

  it("an attacker guessing once per lock window from elsewhere never locks the victim out", () => {
    const t = make();
    for (let minute = 0; minute < 120; minute++) {
      const now = minute * 60_000;
      try {
        t.check("victim", "attacker", now);
        t.fail("victim", "attacker", now);
      } catch {
        // the attacker's own pair is locked
      }
      expect(() => t.check("victim", "victim-home", now)).not.toThrow();
    }
  });

  it("counts failures per client address across accounts (password spraying)", () => {
    const t = make();
    for (let i = 0; i < 10; i++) t.fail(`user${i}`, "sprayer", 0);
    expect(() => t.check("fresh-account", "sprayer", 1)).toThrow(locked);
    expect(() => t.check("fresh-account", "someone-else", 1)).not.toThrow();
    expect(() => t.check("fresh-account", "sprayer", 60_000)).not.toThrow();
  });

  it("a success clears the pair's failures, not the address's", () => {
    const t = make();
    t.fail("a", "ip", 0);
    t.fail("a", "ip", 0);
    t.succeed("a", "ip");
    t.fail("a", "ip", 0);
    t.fail("a", "ip", 0);
    expect(() => t.check("a", "ip", 1)).not.toThrow();
  });

  it("stays bounded in memory under a flood of distinct keys", () => {
    const t = new LoginThrottle({ perAccount: 3, perAddress: 10, decayMs: 60_000, maxEntries: 1000 });
    for (let i = 0; i < 5000; i++) t.fail(`acct${i}`, `ip${i}`, i);
    expect(t.size).toBeLessThanOrEqual(2000);
  });
});

describe("AnonymousLoginLimiter", () => {
  it("allows a burst per address, then refills at the configured rate", () => {
    const l = new AnonymousLoginLimiter({ burst: 3, perMinute: 60 });
    for (let i = 0; i < 3; i++) expect(() => l.take("ip", 0)).not.toThrow();
    expect(() => l.take("ip", 0)).toThrow(locked);
    expect(() => l.take("other", 0)).not.toThrow();
    expect(() => l.take("ip", 999)).toThrow(locked);
    expect(() => l.take("ip", 1000)).not.toThrow();
  });
});
