import { describe, expect, it } from "vitest";
import { ObjectId } from "bson";
import { Mirror, type MirrorUpdate } from "./mirror.js";
import type { AppSnapshot, StateChange, UserSnapshot } from "./protocol/snapshots.js";
import { PushReceiver } from "./pushReceiver.js";
import { TEST_APP_KEY, appSnapshot, userSnapshot } from "../test/snapshots.js";

// This file runs in its own module registry: the full codec is not loaded until a push needs it.

const KEY = TEST_APP_KEY;
const user = (id: string, state: UserSnapshot["state"], customDataEJSON = "{}"): UserSnapshot =>
  userSnapshot(id, state, { customDataEJSON });
const snap = appSnapshot;
const push = (snapshot: AppSnapshot, changes: StateChange[]) => ({ kind: "state", snapshot, changes });

function setup() {
  const updates: MirrorUpdate[] = [];
  const mirror = new Mirror(KEY, { onUpdate: (u) => updates.push(u) });
  mirror.apply(snap(1, [user("u1", "LoggedIn")]));
  updates.length = 0;
  return { mirror, updates, receiver: new PushReceiver(mirror) };
}

describe("PushReceiver: the snapshots the runtime pushes to the tab's private port", () => {
  it("applies a push at once (synchronously) and fires its changes once; a duplicate or older epoch changes nothing", () => {
    const { mirror, updates, receiver } = setup();
    const out = snap(2, [user("u1", "LoggedOut")]);
    receiver.handle(push(out, [{ type: "logout", userId: "u1" }]));
    expect(mirror.snapshot).toEqual(out);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.app).toBe(true);
    receiver.handle(push(out, [{ type: "logout", userId: "u1" }]));
    receiver.handle(push(snap(1, [user("u1", "LoggedIn")]), []));
    expect(mirror.epoch).toBe(2);
    expect(updates).toHaveLength(1);
    expect(receiver.received).toBe(3);
  });

  it("drops what is not a state push", () => {
    const { mirror, updates, receiver } = setup();
    for (const bad of [null, "x", { kind: "state" }, { kind: "state", snapshot: snap(9, []), changes: [{ type: "nope", userId: null }] }]) {
      receiver.handle(bad);
    }
    receiver.handle({ kind: "state", snapshot: { ...snap(9, []), epoch: "9" }, changes: [] });
    expect(mirror.epoch).toBe(1);
    expect(updates).toHaveLength(0);
    expect(receiver.received).toBe(0);
  });

  it("a push whose custom data needs the full codec waits for it, and the pushes after it wait behind it, in order", async () => {
    const { mirror, updates, receiver } = setup();
    const id = new ObjectId();
    const withBson = snap(2, [user("u1", "LoggedIn", JSON.stringify({ ref: { $oid: id.toHexString() } }))]);
    const out = snap(3, [user("u1", "LoggedOut", withBson.users[0]!.customDataEJSON)]);
    receiver.handle(push(withBson, [{ type: "custom-data", userId: "u1" }]));
    receiver.handle(push(out, [{ type: "logout", userId: "u1" }]));
    expect(mirror.epoch).toBe(1); // nothing applied before the codec is there
    await receiver.settled();
    expect(mirror.epoch).toBe(3);
    expect(updates.map((u) => u.snapshot.epoch)).toEqual([2, 3]);
    expect((mirror.customData("u1") as { ref: ObjectId }).ref.toHexString()).toBe(id.toHexString());
  });
});
