/**
 * Import of the sessions realm-web 2.0.1 kept in localStorage (the tab reads the keys and sends
 * them here). Users the runtime already has are skipped; the others keep their tokens, provider
 * and profile, so they stay signed in without a new login. The order is kept (most recent first)
 * and the current user changes only if the runtime had none.
 * @packageDocumentation
 */
import { z } from "zod/mini";
import { RealmTabsError } from "../../src/protocol/errors.js";
import type { MutationReply, RealmWebImport } from "../../src/protocol/rpc.js";
import { PROVIDER_TYPES, type ProfileSnapshot, type StateChange } from "../../src/protocol/snapshots.js";
import type { AppRuntime } from "../session/runtime.js";
import { deriveCurrentUserId, type SessionState } from "../session/state.js";

const providerSchema = z.enum(PROVIDER_TYPES);
const importSchema = z.object({
  users: z
    .array(
      z.object({
        id: z.string().check(z.minLength(1)),
        accessToken: z.nullable(z.string()),
        refreshToken: z.nullable(z.string()),
        providerType: z.string(),
        profileJSON: z.nullable(z.string()),
      }),
    )
    .check(z.maxLength(1000)),
  deviceId: z.nullable(z.string()),
});
const profileSchema = z.object({
  type: z.optional(z.string()),
  identities: z.array(z.object({ id: z.string(), providerType: providerSchema })),
  data: z.optional(z.record(z.string(), z.unknown())),
});

/** Validates the import. @throws {RealmTabsError} `invalid-argument` */
export function parseRealmWebImport(value: unknown): RealmWebImport {
  const r = importSchema.safeParse(value);
  if (!r.success)
    throw new RealmTabsError("invalid-argument", `Invalid realm-web import: ${r.error.issues[0]?.message ?? "bad value"}`, {
      retryable: false,
    });
  return r.data;
}

function profileOf(json: string | null): ProfileSnapshot | null {
  if (!json) return null;
  try {
    const p = profileSchema.safeParse(JSON.parse(json));
    if (!p.success) return null;
    return { type: p.data.type === "server" ? "server" : "normal", identities: p.data.identities, data: p.data.data ?? {} };
  } catch {
    return null;
  }
}

/** Adds the users of `data` that `d` lacks; returns the changes. */
export function applyImport(d: SessionState, data: RealmWebImport): StateChange[] {
  const changes: StateChange[] = [];
  const added: string[] = [];
  for (const u of data.users) {
    const providerType = providerSchema.safeParse(u.providerType);
    if (d.users.has(u.id) || added.includes(u.id) || !providerType.success) continue;
    const loggedIn = u.refreshToken !== null && u.accessToken !== null;
    d.users.set(u.id, {
      appKey: d.app.appKey,
      id: u.id,
      state: loggedIn ? "LoggedIn" : "LoggedOut",
      providerType: providerType.data,
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
