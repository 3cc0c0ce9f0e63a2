/**
 * Migration from realm-web: the tab reads the sessions realm-web 2.0.1 stored in localStorage for
 * this app id, hands them to the runtime (which imports users it does not have yet, without a
 * login) and then removes those keys.
 * @packageDocumentation
 */
import type { MutationReply, RealmWebImport, RealmWebUser } from "./protocol/rpc.js";
import type { StorageLike } from "./migration-keys.js";

export type { StorageLike } from "./migration-keys.js";

/** What realm-web stored for one app, and the keys to remove after the import. */
export interface RealmWebStorage {
  data: RealmWebImport;
  keys: string[];
}

const USER_FIELDS = ["accessToken", "refreshToken", "providerType", "profile"] as const;

/**
 * Reads realm-web's keys of one app, or null when there is no `userIds` key.
 * @param prefix - the app's key prefix (`realmWebPrefix(appId)` of migration-keys.ts)
 */
export function readRealmWebStorage(storage: StorageLike, prefix: string): RealmWebStorage | null {
  const idsText = storage.getItem(`${prefix}userIds`);
  if (idsText === null) return null;
  const keys = [`${prefix}userIds`, `${prefix}deviceId`];
  let ids: unknown;
  try {
    ids = JSON.parse(idsText);
  } catch {
    ids = [];
  }
  const users: RealmWebUser[] = [];
  for (const id of Array.isArray(ids) ? ids : []) {
    if (typeof id !== "string" || id.length === 0) continue;
    const get = (f: (typeof USER_FIELDS)[number]): string | null => storage.getItem(`${prefix}user(${id}):${f}`);
    for (const f of USER_FIELDS) keys.push(`${prefix}user(${id}):${f}`);
    const providerType = get("providerType");
    if (!providerType) continue; // realm-web itself refuses such a user
    users.push({ id, accessToken: get("accessToken"), refreshToken: get("refreshToken"), providerType, profileJSON: get("profile") });
  }
  return { data: { users, deviceId: storage.getItem(`${prefix}deviceId`) }, keys };
}

/**
 * Imports realm-web's users through `importUsers` and then removes realm-web's keys. Does nothing
 * without a `userIds` key. Keys are kept when the import fails (the next start tries again).
 * @returns the runtime's reply, or null when there was nothing to import
 */
export async function migrateFromRealmWeb(
  storage: StorageLike,
  prefix: string,
  importUsers: (data: RealmWebImport) => Promise<MutationReply>,
): Promise<MutationReply | null> {
  const found = readRealmWebStorage(storage, prefix);
  if (!found) return null;
  const reply = found.data.users.length > 0 ? await importUsers(found.data) : null;
  for (const k of found.keys) storage.removeItem(k);
  return reply;
}
