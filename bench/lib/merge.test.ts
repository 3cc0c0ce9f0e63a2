import { describe, expect, test } from "vitest";
import { mergeSections } from "./merge.js";

const doc = [
  "# Benchmarks",
  "",
  "header",
  "",
  "## Reading",
  "",
  "kept",
  "",
  "## 1. Refresh",
  "",
  "old refresh",
  "",
  "## 2. Logout",
  "",
  "old logout",
  "",
].join("\n");

describe("mergeSections", () => {
  test("replaces a re-run section, keeps the header, the reading and the other sections", () => {
    const merged = mergeSections(doc, ["## 2. Logout\n\nnew logout"]);
    expect(merged).toBe(
      [
        "# Benchmarks",
        "",
        "header",
        "",
        "## Reading",
        "",
        "kept",
        "",
        "## 1. Refresh",
        "",
        "old refresh",
        "",
        "## 2. Logout",
        "",
        "new logout",
        "",
      ].join("\n"),
    );
  });

  test("adds a new section in heading-number order", () => {
    const merged = mergeSections(doc, ["## 9. Logout fan-out (Firefox)\n\nfirefox", "## 8. Refresh (Firefox)\n\nff refresh"]);
    expect(merged.split("\n").filter((l) => l.startsWith("## "))).toEqual([
      "## Reading",
      "## 1. Refresh",
      "## 2. Logout",
      "## 8. Refresh (Firefox)",
      "## 9. Logout fan-out (Firefox)",
    ]);
    expect(merged).toContain("old refresh");
    expect(merged.endsWith("firefox\n")).toBe(true);
  });

  test("a document without sections gets the new ones after its text", () => {
    expect(mergeSections("# Benchmarks\n\n", ["## 1. Refresh\n\nx"])).toBe("# Benchmarks\n\n## 1. Refresh\n\nx\n");
  });
});
