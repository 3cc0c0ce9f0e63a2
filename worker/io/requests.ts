/**
 * The App Services client requests the runtime sends, one function per route. No state here:
 * each function takes the transport and the tokens it needs and returns parsed results.
 * @packageDocumentation
 */
import { canonicalFromJSON, isEJSONValue } from "./ejson.js";
import { ShapeError, array, nullish, object, record, string, type Check } from "./shape.js";
import { RealmTabsError } from "../../src/protocol/errors.js";
import { ZERO_ID } from "../../src/protocol/names.js";
import type { ProfileSnapshot, ProviderType } from "../../src/protocol/snapshots.js";
import type { Transport } from "./transport.js";

/** Device information sent as `options.device` on login, in realm-web's key order. */
export interface DeviceInfo {
  sdkVersion: string;
  platform: string;
  platformVersion: string;
  appId?: string;
  appVersion?: string;
  deviceId?: string;
}

/** A login (or link) answer. */
export interface LoginResult {
  userId: string;
  accessToken: string;
  refreshToken: string | null;
  deviceId: string | null;
  receivedAt: number;
}

const loginShape = object({
  user_id: string(),
  access_token: string(),
  refresh_token: nullish(string()),
  device_id: nullish(string()),
});
const refreshShape = object({ access_token: string(), refresh_token: nullish(string()) });
const profileShape = object({
  type: string(),
  identities: array(object({ id: string(), provider_type: string() })),
  data: record,
});

const DATA_KEYS: Record<string, string> = {
  picture: "pictureUrl",
  first_name: "firstName",
  last_name: "lastName",
  min_age: "minAge",
  max_age: "maxAge",
};

function parse<T>(shape: Check<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RealmTabsError("internal", `The server's ${what} response is not JSON`);
  }
  try {
    return shape(json);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new RealmTabsError("internal", `Unexpected ${what} response: ${error.path.slice(1) || "the body"} ${error.message}`);
  }
}

/** An ObjectId's hex form. */
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/**
 * The device document of a login, as plain JSON: its defined fields, and the device id (when it is
 * an ObjectId's hex form) as that hex string in lower case, as realm-web's redirect login URL
 * carries it (ObjectId's JSON).
 */
export function deviceDocument(device: DeviceInfo): Record<string, unknown> {
  const { deviceId, ...rest } = device;
  const doc: Record<string, unknown> = { ...rest };
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  if (deviceId && OBJECT_ID.test(deviceId)) doc.deviceId = deviceId.toLowerCase();
  return doc;
}

/**
 * The login body: the credentials payload plus `options.device`, as canonical EJSON (the device id
 * goes out as `{"$oid": …}`, like realm-web).
 * @throws {RealmTabsError} code `invalid-argument` when the payload is not EJSON of an object
 */
export function loginBody(payloadEJSON: string, device: DeviceInfo): string {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadEJSON);
  } catch (e) {
    throw new RealmTabsError("invalid-argument", "credentials.payloadEJSON is not valid EJSON", { cause: e });
  }
  // only a document is a payload: not an array, and not an EJSON value such as {"$numberInt": "3"}
  if (typeof payload !== "object" || payload === null || Array.isArray(payload) || isEJSONValue(payload)) {
    throw new RealmTabsError("invalid-argument", "credentials.payloadEJSON must encode an object");
  }
  const deviceDoc = deviceDocument(device);
  if (typeof deviceDoc.deviceId === "string") deviceDoc.deviceId = { $oid: deviceDoc.deviceId };
  return canonicalFromJSON({ ...payload, options: { device: deviceDoc } });
}

/** `POST /app/{appId}/auth/providers/{provider}/login` (with `?link=true` and a token to link). */
export async function login(
  t: Transport,
  appId: string,
  provider: ProviderType,
  body: string,
  linkWithToken?: string,
): Promise<LoginResult> {
  const route = `/app/${encodeURIComponent(appId)}/auth/providers/${encodeURIComponent(provider)}/login${linkWithToken ? "?link=true" : ""}`;
  const res = await t.send({ method: "POST", route, body, token: linkWithToken ?? null });
  const r = parse(loginShape, res.text, "login");
  const device = r.device_id && r.device_id !== ZERO_ID ? r.device_id : null;
  return {
    userId: r.user_id,
    accessToken: r.access_token,
    refreshToken: r.refresh_token ?? null,
    deviceId: device,
    receivedAt: res.receivedAt,
  };
}

/** `GET /auth/profile`, with `data` keys camelCased as realm-web does. */
export async function fetchProfile(t: Transport, accessToken: string): Promise<ProfileSnapshot> {
  const res = await t.send({ method: "GET", route: "/auth/profile", token: accessToken });
  const p = parse(profileShape, res.text, "profile");
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.data)) data[DATA_KEYS[k] ?? k] = v;
  return {
    type: p.type === "server" ? "server" : "normal",
    identities: p.identities.map((i) => ({ id: i.id, providerType: i.provider_type as ProviderType })),
    data,
  };
}

/** `POST /auth/session` with the refresh token. A `refresh_token` in the answer means rotation. */
export async function refreshSession(
  t: Transport,
  refreshToken: string,
): Promise<{ accessToken: string; refreshToken: string | null; receivedAt: number }> {
  const res = await t.send({ method: "POST", route: "/auth/session", token: refreshToken });
  const r = parse(refreshShape, res.text, "session");
  return { accessToken: r.access_token, refreshToken: r.refresh_token ?? null, receivedAt: res.receivedAt };
}

/** `DELETE /auth/session` with the refresh token. */
export async function deleteSession(t: Transport, refreshToken: string): Promise<void> {
  await t.send({ method: "DELETE", route: "/auth/session", token: refreshToken });
}

/** What bounds a function call's request besides the transport's deadline. */
export interface CallLimits {
  /** The calling tab's deadline (ms). */
  timeoutMs?: number | undefined;
  /** Aborts when the calling tab is gone. */
  signal?: AbortSignal | undefined;
}

/**
 * `POST /app/{appId}/functions/call`. The arguments are spliced in as given (canonical EJSON of an
 * array); the answer is returned as the server sent it (EJSON; the tab decodes it), `null` for an empty body:
 * as text, or from {@link LARGE_RESULT_BYTES} on as its UTF-8 bytes. `limits`: the calling tab's
 * deadline, which the request gets when it is longer than the transport's, and a signal that ends
 * the request when that tab is gone.
 * @throws {RealmTabsError} code `invalid-argument` when `argsEJSON` is not EJSON of an array
 */
export async function callFunction(
  t: Transport,
  appId: string,
  accessToken: string,
  name: string,
  argsEJSON: string,
  service?: string,
  limits: CallLimits = {},
): Promise<string | ArrayBuffer> {
  const body = `{"name":${JSON.stringify(name)},"arguments":${argsEJSON}${service === undefined ? "" : `,"service":${JSON.stringify(service)}`}}`;
  const res = await t.send({
    method: "POST",
    route: `/app/${encodeURIComponent(appId)}/functions/call`,
    token: accessToken,
    body,
    binary: true,
    ...limits,
  });
  // forwarded as it arrived: the tab decodes it once (it must, to build its BSON classes); a large
  // answer stays bytes, which cross to the tab transferred rather than copied
  const bytes = res.bytes ?? new ArrayBuffer(0);
  if (bytes.byteLength >= LARGE_RESULT_BYTES) return bytes;
  const text = utf8.decode(bytes);
  return text.trim() === "" ? "null" : text;
}

/** From this size (bytes) a function's result crosses to the tab as a transferred `ArrayBuffer`. */
export const LARGE_RESULT_BYTES = 32 * 1024;
const utf8 = new TextDecoder();

/**
 * Checks that `argsEJSON` is EJSON of an array before it is spliced into a request body.
 * @throws {RealmTabsError} code `invalid-argument`
 */
export function assertArgsEJSON(argsEJSON: string): void {
  let v: unknown;
  try {
    v = JSON.parse(argsEJSON);
  } catch (e) {
    throw new RealmTabsError("invalid-argument", "argsEJSON is not valid JSON", { cause: e });
  }
  if (!Array.isArray(v)) throw new RealmTabsError("invalid-argument", "argsEJSON must encode an array");
}
