/**
 * The ids the auth service hands out besides users': device ids, the domain id and provider ids.
 * @packageDocumentation
 */
import { ObjectId } from "bson";

const ZERO_ID = "000000000000000000000000";
/** A stable fake domain id for this server. */
export const DOMAIN_ID = "000000000000000000000001";

/**
 * A stable ObjectId-shaped provider id, one per provider type.
 * @param providerType - the provider type (`anon-user`, …)
 */
export function providerId(providerType: string): string {
  const hex = Buffer.from(providerType.padEnd(12, "_").slice(0, 12)).toString("hex");
  return hex.slice(0, 24);
}

/** Picks the client's `options.device.deviceId` if it is a valid, non-zero ObjectId, else a new one. */
export function pickDeviceId(body: Record<string, unknown>): string {
  const options = body["options"] as { device?: { deviceId?: unknown } } | undefined;
  const raw = options?.device?.deviceId;
  const hex =
    raw !== null && typeof raw === "object" && (raw as { _bsontype?: string })._bsontype === "ObjectId"
      ? (raw as ObjectId).toHexString()
      : typeof raw === "string"
        ? raw
        : undefined;
  if (hex !== undefined && /^[0-9a-f]{24}$/i.test(hex) && hex !== ZERO_ID) return hex.toLowerCase();
  return new ObjectId().toHexString();
}
