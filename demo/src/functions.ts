/**
 * Functions panel: call a demo function as the current user with EJSON arguments, and see the
 * result with its BSON types (ObjectId, Date, Decimal128, …).
 * @packageDocumentation
 */
import { BSON, type App } from "../../src/index.js";
import { act, byId, h } from "./dom.js";
import { showValue } from "./bson-view.js";

/** Presets: function name and EJSON arguments. */
const PRESETS: { name: string; args: string }[] = [
  { name: "sum", args: "[1, 2, 3]" },
  {
    name: "echo",
    args: '[{"_id": {"$oid": "65f0a1b2c3d4e5f601234567"}, "at": {"$date": "2026-11-27T12:00:00Z"}, "price": {"$numberDecimal": "9.99"}}]',
  },
  { name: "whoami", args: "[]" },
  { name: "fail", args: '["something went wrong"]' },
];

/** Parses the arguments box: an EJSON array. @throws Error if it is not one */
function parseArgs(text: string): unknown[] {
  const parsed: unknown = BSON.EJSON.parse(text.trim() || "[]", { relaxed: false });
  if (!Array.isArray(parsed)) throw new Error("arguments must be a JSON array, e.g. [1, 2]");
  return parsed;
}

/** Builds the functions panel into `#functions`. */
export function mountFunctions(app: App): void {
  const panel = byId("functions");
  const name = h("input", { testid: "fn-name", value: "sum", "aria-label": "function name", list: "fn-names" });
  const names = h("datalist", { id: "fn-names" }, ...PRESETS.map((p) => h("option", { value: p.name })));
  const args = h("input", { testid: "fn-args", value: "[1, 2, 3]", class: "grow", "aria-label": "arguments (EJSON array)" });
  const result = h("pre", { testid: "fn-result", class: "result" }, "–");
  const error = h("p", { class: "error", testid: "fn-error", role: "alert" });
  const call: HTMLButtonElement = h(
    "button",
    {
      testid: "fn-call",
      onclick: () =>
        void act(error, call, async () => {
          result.textContent = "…";
          const user = app.currentUser;
          if (!user) {
            result.textContent = "–";
            throw new Error("sign in first");
          }
          try {
            result.textContent = showValue(await user.callFunction(name.value.trim(), ...parseArgs(args.value)));
          } catch (e) {
            result.textContent = "–";
            throw e;
          }
        }),
    },
    "Call",
  );
  const presets = h(
    "div",
    { class: "row presets" },
    ...PRESETS.map((p) =>
      h(
        "button",
        {
          class: "link",
          testid: `fn-preset-${p.name}`,
          onclick: () => {
            name.value = p.name;
            args.value = p.args;
          },
        },
        `${p.name}(…)`,
      ),
    ),
  );
  panel.append(presets, h("form", { class: "row", onsubmit: (e) => e.preventDefault() }, name, names, args, call), error, result);
}
