import { describe, expect, it, vi } from "vitest";
import { EJSON } from "bson";
import { Mirror, type MirrorUpdate } from "./mirror.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "./protocol/snapshots.js";
import { loadFullCodec } from "./codec/lazy.js";

const KEY = "app@http://h";

function user(id: string, over: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    id,
    state: "LoggedIn",
    providerType: "anon-user",
    accessToken: `at-${id}`,
    refreshToken: null,
    deviceId: null,
    profile: { type: "normal", identities: [{ id: `i-${id}`, providerType: "anon-user" }], data: {} },
    customDataEJSON: "{}",
    accessTokenExpiresAt: null,
    ...over,
  };
}

function snap(epoch: number, users: UserSnapshot[], currentUserId: string | null = users[0]?.id ?? null): AppSnapshot {
  return { appKey: KEY, epoch, users, currentUserId, deviceId: null };
}

function setup() {
  const updates: MirrorUpdate[] = [];
  const mirror = new Mirror(KEY, { onUpdate: (u) => updates.push(u) });
  return { mirror, updates };
}

describe("Mirror", () => {
  it("applies the first snapshot, then only newer epochs", () => {
    const { mirror, updates } = setup();
    expect(mirror.snapshot).toBeNull();
    expect(mirror.apply(snap(3, [user("a")]))).toBe(true);
    expect(mirror.apply(snap(5, [user("a"), user("b")], "b"), [{ type: "login", userId: "b" }])).toBe(true);
    expect(mirror.apply(snap(4, []), [{ type: "logout", userId: "a" }])).toBe(false); // stale
    expect(mirror.apply(snap(5, []), [{ type: "logout", userId: "a" }])).toBe(false); // duplicate epoch
    expect(mirror.epoch).toBe(5);
    expect(mirror.snapshot?.currentUserId).toBe("b");
    expect(updates.map((u) => u.snapshot.epoch)).toEqual([3, 5]);
    expect(updates[1]).toMatchObject({ app: true, userIds: new Set(["b"]) });
  });

  it("a MutationReply and the fetched snapshot of the same epoch fire exactly once, whichever arrives first", () => {
    const { mirror, updates } = setup();
    mirror.apply(snap(1, [user("a")]));
    const next = snap(2, [user("a", { state: "LoggedOut", accessToken: null })]);
    const changes: StateChange[] = [{ type: "logout", userId: "a" }];
    expect(mirror.apply(next, changes)).toBe(true); // reply first
    expect(mirror.apply(next, changes)).toBe(false); // then the fetch: dropped
    const third = snap(3, []);
    expect(mirror.apply(third, [{ type: "remove", userId: "a" }])).toBe(true); // fetch first
    expect(mirror.apply(third, [{ type: "remove", userId: "a" }])).toBe(false); // then the reply: dropped
    expect(updates.length).toBe(3);
  });

  it("ignores another runtime's snapshot", () => {
    const { mirror, updates } = setup();
    mirror.apply(snap(1, [user("a")]));
    expect(mirror.apply({ ...snap(9, []), appKey: "other@http://h" })).toBe(false);
    expect(mirror.epoch).toBe(1);
    expect(updates.length).toBe(1);
  });

  it("fires the users a skipped epoch changed, found by diff, and app listeners on a switch", () => {
    const { mirror, updates } = setup();
    mirror.apply(snap(1, [user("a"), user("b")], "a"));
    mirror.apply(snap(4, [user("a", { accessToken: "new" }), user("b")], "b"), []);
    expect(updates[1]).toMatchObject({ app: true, userIds: new Set(["a"]) });
    mirror.apply(snap(5, [user("a", { accessToken: "newer" }), user("b")], "b"), [{ type: "token", userId: "a" }]);
    expect(updates[2]).toMatchObject({ app: false, userIds: new Set(["a"]) });
    mirror.apply(snap(6, [user("b")], "b"), []);
    expect(updates[3]).toMatchObject({ app: true, userIds: new Set(["a"]) });
  });

  it("survives a throwing hook", () => {
    const mirror = new Mirror(KEY, {
      onUpdate: () => {
        throw new Error("boom");
      },
    });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(mirror.apply(snap(1, []))).toBe(true);
    expect(mirror.epoch).toBe(1);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it("switches to the runtime's key when it differs from the expected one", () => {
    const { mirror } = setup();
    mirror.setAppKey("k2");
    expect(mirror.apply({ ...snap(1, []), appKey: "k2" })).toBe(true);
    expect(mirror.apply(snap(2, []))).toBe(false);
  });

  it("decodes a user's custom data when a snapshot brings new custom data, and keeps it while unchanged", async () => {
    await loadFullCodec(); // the tab session loads it before applying a snapshot whose custom data needs it (codec/lazy.test.ts)
    const { mirror } = setup();
    const data = EJSON.stringify({ plan: "pro", since: new Date(0) }, { relaxed: false });
    mirror.apply(snap(1, [user("a", { customDataEJSON: data }), user("b", { customDataEJSON: "not ejson" })]));
    const first = mirror.customData("a");
    expect(first).toEqual({ plan: "pro", since: new Date(0) }); // BSON types keep their classes
    expect(mirror.customData("a")).toBe(first);
    expect(mirror.customData("b")).toEqual({});
    mirror.apply(snap(2, [user("a", { customDataEJSON: data, accessToken: "new" }), user("b")]));
    expect(mirror.customData("a")).toBe(first); // a new token with the same custom data: not decoded again
    mirror.apply(snap(3, [user("a", { customDataEJSON: '{"plan":"free"}' })]));
    expect(mirror.customData("a")).toEqual({ plan: "free" });
    expect(mirror.customData("b")).toEqual({}); // no longer listed
  });
});
