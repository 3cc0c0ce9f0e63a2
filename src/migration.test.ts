/** Reading realm-web 2.0.1's localStorage keys and removing them after the import. */
import { describe, expect, it } from "vitest";
import { migrateFromRealmWeb, readRealmWebStorage } from "./migration.js";
import { realmWebPrefix } from "./migration-keys.js";
import type { MutationReply, RealmWebImport } from "./protocol/rpc.js";

function storage(entries: Record<string, string>) {
  const map = new Map(Object.entries(entries));
  return { map, getItem: (k: string) => map.get(k) ?? null, removeItem: (k: string) => void map.delete(k) };
}

const P = "realm-web:app(my-app):";
const seeded = () =>
  storage({
    [`${P}userIds`]: JSON.stringify(["u2", "u1"]),
    [`${P}deviceId`]: "65f0aaaaaaaaaaaaaaaaaaaa",
    [`${P}user(u2):accessToken`]: "at2",
    [`${P}user(u2):refreshToken`]: "rt2",
    [`${P}user(u2):providerType`]: "local-userpass",
    [`${P}user(u2):profile`]: '{"type":"normal","identities":[],"data":{}}',
    [`${P}user(u1):providerType`]: "anon-user",
    "realm-web:app(other):userIds": "[]",
    unrelated: "x",
  });

describe("realm-web migration", () => {
  it("reads every user of the app in order, logged out ones without tokens", () => {
    const found = readRealmWebStorage(seeded(), realmWebPrefix("my-app"));
    expect(found?.data).toEqual({
      deviceId: "65f0aaaaaaaaaaaaaaaaaaaa",
      users: [
        {
          id: "u2",
          accessToken: "at2",
          refreshToken: "rt2",
          providerType: "local-userpass",
          profileJSON: '{"type":"normal","identities":[],"data":{}}',
        },
        { id: "u1", accessToken: null, refreshToken: null, providerType: "anon-user", profileJSON: null },
      ],
    });
    expect(readRealmWebStorage(seeded(), realmWebPrefix("none"))).toBeNull();
  });

  it("removes the app's keys after a successful import only", async () => {
    const s = seeded();
    const seen: RealmWebImport[] = [];
    await migrateFromRealmWeb(s, realmWebPrefix("my-app"), async (d) => {
      seen.push(d);
      return {} as MutationReply;
    });
    expect(seen).toHaveLength(1);
    expect([...s.map.keys()].sort()).toEqual(["realm-web:app(other):userIds", "unrelated"]);
    const failing = seeded();
    await expect(migrateFromRealmWeb(failing, realmWebPrefix("my-app"), () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(failing.map.has(`${P}userIds`)).toBe(true);
  });
});
