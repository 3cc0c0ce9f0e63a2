/**
 * Import of the sessions realm-web 2.0.1 kept in localStorage (the tab reads the keys and sends
 * them here). Users the runtime already has are skipped; the others keep their tokens, provider
 * and profile, so they stay signed in without a new login. The order is kept (most recent first)
 * and the current user changes only if the runtime had none.
 * @packageDocumentation
 */
import { ShapeError, array, nullable, object, oneOf, optional, record, string, tryCheck } from "../io/shape.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { MutationReply, RealmWebImport } from "../../src/protocol/rpc.js";
import { PROVIDER_TYPES, type ProfileSnapshot, type StateChange } from "../../src/protocol/snapshots.js";
import type { AppRuntime } from "../session/runtime.js";
import { deriveCurrentUserId, type SessionState } from "../session/state.js";

const providerShape = oneOf(PROVIDER_TYPES);
const importShape = object({
  users: array(
    object({
      id: string({ min: 1 }),
      accessToken: nullable(string()),
      refreshToken: nullable(string()),
      providerType: string(),
      profileJSON: nullable(string()),
    }),
    1000,
  ),
  deviceId: nullable(string()),
});
const profileShape = object({
  type: optional(string()),
  identities: array(object({ id: string(), providerType: providerShape })),
  data: optional(record),
});

/** Validates the import. @throws {RealmTabsError} `invalid-argument` */
export function parseRealmWebImport(value: unknown): RealmWebImport {
  try {
    return importShape(value);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new RealmTabsError("invalid-argument", `Invalid realm-web import${error.path}: ${error.message}`, { retryable: false });
  }
}

function profileOf(json: string | null): ProfileSnapshot | null {
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const p = tryCheck(profileShape, parsed);
  if (!p) return null;
  return { type: p.type === "server" ? "server" : "normal", identities: p.identities, data: p.data ?? {} };
}

/** Adds the users of `data` that `d` lacks; returns the changes. */
export function applyImport(d: SessionState, data: RealmWebImport): StateChange[] {
  const changes: StateChange[] = [];
  const added: string[] = [];
  for (const u of data.users) {
    const providerType = tryCheck(providerShape, u.providerType);
    if (d.users.has(u.id) || added.includes(u.id) || providerType === null) continue;
    const loggedIn = u.refreshToken !== null && u.accessToken !== null;
    d.users.set(u.id, {
      appKey: d.app.appKey,
      id: u.id,
      state: loggedIn ? "LoggedIn" : "LoggedOut",
      providerType,
      accessToken: loggedIn ? u.accessToken : null,
      refreshToken: loggedIn ? u.refreshToken : null,
      profile: profileOf(u.profileJSON),
      skewMs: 0,
    });
    added.push(u.id);
    changes.push({ type: "login", userId: u.id });
  }
  if (added.length === 0) return [];
  const hadCurrent = d.app.currentUserId !== null;
  d.app.order = hadCurrent ? [...d.app.order, ...added] : [...added, ...d.app.order];
  d.app.currentUserId = deriveCurrentUserId(d);
  if (!d.app.deviceId && data.deviceId) d.app.deviceId = data.deviceId;
  return changes;
}

/**
 * Imports realm-web's users into the runtime (one commit; every tab hears it).
 * @throws {RealmTabsError} `invalid-argument`, `storage`
 */
export function importRealmWeb(rt: AppRuntime, raw: unknown): Promise<MutationReply> {
  const data = parseRealmWebImport(raw);
  return rt.commit((d) => applyImport(d, data), null);
}
