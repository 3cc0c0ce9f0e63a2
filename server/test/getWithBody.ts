/**
 * Test support: a GET request with a body, which fetch() cannot send (App Services' docs send one
 * with `curl -X GET -d`).
 * @packageDocumentation
 */
import { request } from "node:http";

/**
 * Sends a GET with a body.
 * @param url - where to
 * @param body - the body
 * @param headers - more headers (a content length is added)
 * @returns the status and the body's text
 * @throws Error if no answer arrives within 10 s
 */
export function getWithBody(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
