/**
 * A static file server for the `<script>` build's test: serves a fixed set of files (no bundler, no
 * transform) on 127.0.0.1 and a free port, and records the paths browsers asked for.
 */
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";

/** A running static server. */
export interface StaticServer {
  /** Its base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The paths requested so far, in order. */
  requested: string[];
  /** Stops it. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

/**
 * Serves `files` (URL path to file path) with their content types; anything else is a 404.
 * @throws Error if the port cannot be bound
 */
export async function startStaticServer(files: Record<string, string>): Promise<StaticServer> {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    requested.push(path);
    const file = files[path];
    if (req.method !== "GET" || file === undefined) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
        res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
