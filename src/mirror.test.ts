import { describe, expect, it, vi } from "vitest";
import { Mirror, type MirrorUpdate } from "./mirror.js";
import { PROTOCOL_VERSION, type StateEvent } from "./protocol/events.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "./protocol/snapshots.js";

const KEY = "app@http://h";

function user(id: string, over: Partial<UserSnapshot> = {}): UserSnapshot {
  return {
    id, state: "LoggedIn", providerType: "anon-user", accessToken: `at-${id}`, refreshToken: null, deviceId: null,
    profile: { type: "normal", identities: [{ id: `i-${id}`, providerType: "anon-user" }], data: {} },
    customDataEJSON: "{}", accessTokenExpiresAt: null, ...over,
  };
}

function snap(epoch: number, users: UserSnapshot[], currentUserId: string | null = users[0]?.id ?? null): AppSnapshot {
  return { appKey: KEY, epoch, users, currentUserId, deviceId: null };
}

function event(snapshot: AppSnapshot, changes: StateChange[] = []): StateEvent {
  return { v: PROTOCOL_VERSION, kind: "state", appKey: snapshot.appKey, epoch: snapshot.epoch, snapshot, changes };
}

function setup() {
  const updates: MirrorUpdate[] = [];
  const warnings: string[] = [];
  const mirror = new Mirror(KEY, { onUpdate: (u) => updates.push(u), onWarning: (code) => warnings.push(code) });
  return { mirror, updates, warnings };
}

describe("Mirror", () => {
  it("applies the first snapshot, then only newer epochs", () => {
    const { mirror, updates } = setup();
    expect(mirror.snapshot).toBeNull();
    expect(mirror.apply(snap(3, [user("a")]))).toBe(true);
    expect(mirror.handleMessage(event(snap(5, [user("a"), user("b")], "b"), [{ type: "login", userId: "b" }]))).toBe(true);
    expect(mirror.handleMessage(event(snap(4, []), [{ type: "logout", userId: "a" }]))).toBe(false); // stale
    expect(mirror.handleMessage(event(snap(5, []), [{ type: "logout", userId: "a" }]))).toBe(false); // duplicate epoch
    expect(mirror.epoch).toBe(5);
    expect(mirror.snapshot?.currentUserId).toBe("b");
    expect(updates.map((u) => u.snapshot.epoch)).toEqual([3, 5]);
    expect(updates[1]).toMatchObject({ app: true, userIds: new Set(["b"]) });
  });

  it("a MutationReply and its event fire exactly once, whichever arrives first", () => {
    const { mirror, updates } = setup();
    mirror.apply(snap(1, [user("a")]));
    const next = snap(2, [user("a", { state: "LoggedOut", accessToken: null })]);
    const changes: StateChange[] = [{ type: "logout", userId: "a" }];
    expect(mirror.apply(next, changes)).toBe(true); // reply first
    expect(mirror.handleMessage(event(next, changes))).toBe(false); // then the event: dropped
    const third = snap(3, []);
    expect(mirror.handleMessage(event(third, [{ type: "remove", userId: "a" }]))).toBe(true); // event first
    expect(mirror.apply(third, [{ type: "remove", userId: "a" }])).toBe(false); // then the reply: dropped
    expect(updates.length).toBe(3);
  });

  it("ignores forged, malformed and other runtimes' messages", () => {
    const { mirror, updates } = setup();
    mirror.apply(snap(1, [user("a")]));
    const good = event(snap(9, []));
    const bad: unknown[] = [
      null, 42, "state", {}, [],
      { ...good, v: 2 },
      { ...good, kind: "nope" },
      { ...good, epoch: 10 }, // epoch differs from the snapshot's
      { ...good, appKey: "other@http://h", snapshot: { ...good.snapshot, appKey: "other@http://h" } },
      { ...good, snapshot: { ...good.snapshot, users: [{ id: 3 }] } },
      { ...good, snapshot: { ...good.snapshot, currentUserId: 7 } },
      { ...good, changes: "all" },
    ];
    for (const message of bad) expect(mirror.handleMessage(message)).toBe(false);
    expect(mirror.epoch).toBe(1);
    expect(updates.length).toBe(1);
    expect(mirror.apply({ ...snap(9, []), appKey: "other@http://h" })).toBe(false);
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

  it("passes warnings and outdated notices to the hooks, and survives a throwing hook", () => {
    const onOutdated = vi.fn();
    const mirror = new Mirror(KEY, { onUpdate: () => { throw new Error("boom"); }, onOutdated });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(mirror.apply(snap(1, []))).toBe(true);
    expect(mirror.epoch).toBe(1);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
    mirror.handleMessage({ v: PROTOCOL_VERSION, kind: "outdated", appKey: KEY, buildId: "b2" });
    expect(onOutdated).toHaveBeenCalledWith("b2");
  });

  it("switches to the runtime's key when it differs from the expected one", () => {
    const { mirror } = setup();
    mirror.setAppKey("k2");
    expect(mirror.apply({ ...snap(1, []), appKey: "k2" })).toBe(true);
    expect(mirror.handleMessage(event(snap(2, [])))).toBe(false);
  });
});
