/**
 * Reads the expiry of an access token (a JWT) for the countdown in the users list.
 * @packageDocumentation
 */

/** The `exp` claim of a JWT in milliseconds since the epoch, or null if it cannot be read. */
export function tokenExpiry(token: string | null): number | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(
      payload
        .replace(/-/g, "+")
        .replace(/_/g, "/")
        .padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** "expires in 29:58", "expired", or "no token". */
export function countdown(token: string | null, now = Date.now()): string {
  const expiry = tokenExpiry(token);
  if (expiry === null) return "no token";
  const left = Math.floor((expiry - now) / 1000);
  if (left <= 0) return "expired";
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, "0");
  return `expires in ${minutes}:${seconds}`;
}
