/** `new App(…)` during server-side rendering: inert, and the process can exit. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("new App under Node (server-side rendering)", () => {
  it("neither throws nor keeps the process alive; ready rejects not-supported", () => {
    const script = `
      import { App } from "./src/index.ts";
      const app = new App({ id: "ssr-app", baseUrl: "http://127.0.0.1:1" });
      console.log(JSON.stringify({ current: app.currentUser, users: Object.keys(app.allUsers) }));
      app.ready.catch((e) => console.log(JSON.stringify({ code: e.code })));
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.error).toBeUndefined(); // a process kept alive would hit the timeout
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([JSON.stringify({ current: null, users: [] }), JSON.stringify({ code: "not-supported" })]);
  });
});
