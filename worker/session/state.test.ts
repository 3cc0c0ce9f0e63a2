import { describe, expect, it } from "vitest";
import {
  applyLogin,
  applyLogout,
  applyProfile,
  applyRemove,
  applySwitch,
  cloneState,
  deriveCurrentUserId,
  emptyState,
  revealRefreshTokens,
  toSnapshot,
} from "./state.js";

const tokens = (n: number) => ({ accessToken: `at-${n}`, refreshToken: `rt-${n}`, skewMs: 0 });

function twoUsers() {
  const s = emptyState("app@http://h");
  applyLogin(s, "anon", "anon-user", tokens(1), "dev-1");
  applyLogin(s, "named", "local-userpass", tokens(2), null);
  return s;
}

describe("session state transitions", () => {
  it("a new app's state gets a store id of its own, and snapshots carry it", () => {
    const a = emptyState("k");
    const b = emptyState("k");
    expect(a.app.storeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.app.storeId).not.toBe(a.app.storeId);
    expect(toSnapshot(a).storeId).toBe(a.app.storeId);
    expect("storeId" in toSnapshot({ ...a, app: { ...a.app, storeId: undefined } })).toBe(false);
  });

  it("login puts the user first and makes it current; the same id updates the same user", () => {
    const s = twoUsers();
    expect(s.app.order).toEqual(["named", "anon"]);
    expect(s.app.currentUserId).toBe("named");
    expect(s.app.deviceId).toBe("dev-1");
    applyProfile(s, "anon", { type: "normal", identities: [], data: { name: "A" } });
    expect(applyLogin(s, "anon", "anon-user", tokens(3), null)).toEqual([{ type: "login", userId: "anon" }]);
    expect(s.app.order).toEqual(["anon", "named"]);
    expect(s.users.get("anon")).toMatchObject({ accessToken: "at-3", refreshToken: "rt-3", profile: { data: { name: "A" } } });
    expect(s.users.size).toBe(2);
  });

  it("current user is the most recent logged-in user in the order", () => {
    const s = twoUsers();
    applyLogout(s, "named", true);
    expect(s.app.currentUserId).toBe("anon");
    expect(s.app.order).toEqual(["named", "anon"]);
    applyLogout(s, "anon", false);
    expect(deriveCurrentUserId(s)).toBeNull();
    expect(s.app.currentUserId).toBeNull();
  });

  it("explicit logout removes anonymous users and keeps named ones logged out", () => {
    const s = twoUsers();
    expect(applyLogout(s, "anon", true)).toEqual([{ type: "remove", userId: "anon" }]);
    expect(applyLogout(s, "named", true)).toEqual([{ type: "logout", userId: "named" }]);
    expect(s.users.get("named")).toMatchObject({ state: "LoggedOut", accessToken: null, refreshToken: null });
    expect(applyLogout(s, "named", true)).toEqual([]);
    expect(s.app.order).toEqual(["named"]);
  });

  it("switch reorders without changes when already current; remove forgets", () => {
    const s = twoUsers();
    expect(applySwitch(s, "named")).toEqual([]);
    expect(applySwitch(s, "anon")).toEqual([{ type: "switch", userId: "anon" }]);
    expect(applyRemove(s, "anon", "delete")).toEqual([{ type: "delete", userId: "anon" }]);
    expect(applyRemove(s, "anon")).toEqual([]);
    expect([s.app.order, s.app.currentUserId]).toEqual([["named"], "named"]);
  });

  it("snapshots list users in order and never carry refresh tokens; a revealed copy does", () => {
    const s = twoUsers();
    const snap = toSnapshot(s);
    expect(snap.users.map((u) => [u.id, u.refreshToken, u.accessToken])).toEqual([
      ["named", null, "at-2"],
      ["anon", null, "at-1"],
    ]);
    expect(revealRefreshTokens(snap, s).users.map((u) => u.refreshToken)).toEqual(["rt-2", "rt-1"]);
    expect(snap.users.map((u) => u.refreshToken)).toEqual([null, null]); // the copy did not leak back
    const later = cloneState(s);
    applyLogout(later, "anon", true);
    // the snapshot still shows anon logged in, the state no longer: no token for it
    expect(revealRefreshTokens(snap, later).users.map((u) => u.refreshToken)).toEqual(["rt-2", null]);
  });
});
