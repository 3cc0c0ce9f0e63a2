import { describe, expect, it } from "vitest";
import { failureReport, firstLines, packFailures, playwrightFailures, vitestFailures } from "./test-failures.mjs";

describe("vitestFailures", () => {
  it("names each failed test by file, line and titles, with its failure message; passed tests are left out", () => {
    const json = {
      testResults: [
        {
          name: "/repo/src/a.test.ts",
          status: "failed",
          message: "",
          assertionResults: [
            {
              ancestorTitles: ["outer", "inner"],
              title: "works",
              status: "failed",
              location: { line: 12, column: 3 },
              failureMessages: ["AssertionError: expected 1 to be 2\n    at a.test.ts:13"],
            },
            { ancestorTitles: ["outer"], title: "passes", status: "passed", failureMessages: [] },
          ],
        },
        {
          name: "/repo/src/b.test.ts",
          status: "passed",
          message: "",
          assertionResults: [{ ancestorTitles: [], title: "ok", status: "passed", failureMessages: [] }],
        },
      ],
    };
    expect(vitestFailures(json, "/repo/")).toEqual([
      { name: "src/a.test.ts:12 > outer > inner > works", error: "AssertionError: expected 1 to be 2\n    at a.test.ts:13" },
    ]);
  });

  it("reports a file that failed without a failed test (an import error) by its message", () => {
    const json = {
      testResults: [{ name: "/repo/x.test.ts", status: "failed", message: "Failed to load ./missing.js", assertionResults: [] }],
    };
    expect(vitestFailures(json, "/repo")).toEqual([{ name: "x.test.ts", error: "Failed to load ./missing.js" }]);
  });

  it("returns nothing for a missing report", () => {
    expect(vitestFailures(undefined)).toEqual([]);
  });
});

describe("playwrightFailures", () => {
  const result = (status: string, message?: string) => ({
    status,
    errors: message ? [{ message, location: { file: "/repo/playwright/a.spec.ts", line: 40, column: 5 } }] : [],
  });
  const json = {
    config: { rootDir: "/repo/playwright" },
    suites: [
      {
        title: "a.spec.ts",
        file: "a.spec.ts",
        specs: [
          {
            title: "logs in",
            file: "a.spec.ts",
            line: 10,
            tests: [
              {
                projectName: "shared-worker",
                status: "unexpected",
                results: [result("failed", "\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: 2\nReceived: 1")],
              },
              { projectName: "no-shared-worker", status: "expected", results: [result("passed")] },
            ],
          },
        ],
        suites: [
          {
            title: "group",
            file: "a.spec.ts",
            specs: [
              {
                title: "times out",
                file: "a.spec.ts",
                line: 20,
                tests: [
                  {
                    projectName: "shared-worker",
                    status: "unexpected",
                    results: [result("timedOut", "Test timeout of 60000ms exceeded.")],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    errors: [{ message: "Error: worker teardown failed" }],
  };

  it("names each unexpected outcome by file, line, titles and project, with its error and where it was thrown", () => {
    expect(playwrightFailures(json, "/repo/")).toEqual([
      {
        name: "playwright/a.spec.ts:10 > logs in [shared-worker] (failed)",
        error: "\u001b[31mError: expect(received).toBe(expected)\u001b[39m\n\nExpected: 2\nReceived: 1\nat playwright/a.spec.ts:40\n",
      },
      {
        name: "playwright/a.spec.ts:20 > group > times out [shared-worker] (timedOut)",
        error: "Test timeout of 60000ms exceeded.\nat playwright/a.spec.ts:40\n",
      },
      { name: "(outside any test)", error: "Error: worker teardown failed" },
    ]);
  });

  it("leaves out flaky, expected and skipped tests", () => {
    const ok = {
      suites: [
        {
          title: "b.spec.ts",
          specs: [
            { title: "t", line: 1, tests: [{ projectName: "p", status: "flaky", results: [result("failed", "x"), result("passed")] }] },
          ],
        },
      ],
    };
    expect(playwrightFailures(ok)).toEqual([]);
  });
});

describe("packFailures", () => {
  it("lists the failed checks with their errors", () => {
    const json = {
      checks: [
        { name: "install", ok: true },
        { name: "consumer test", ok: false, error: "exit 1" },
      ],
    };
    expect(packFailures(json)).toEqual([{ name: "consumer test", error: "exit 1" }]);
  });
});

describe("failureReport", () => {
  it("prints each failure's suite and name and the first lines of its error without colour codes", () => {
    const lines = failureReport([
      { suite: "playwright", name: "a.spec.ts:10 > logs in [shared-worker]", error: "\u001b[31mError: boom\u001b[39m\n\n  at x\n  at y" },
    ]);
    expect(lines).toEqual([
      "== failures (1)",
      "FAIL [playwright] a.spec.ts:10 > logs in [shared-worker]",
      "    Error: boom",
      "      at x",
      "      at y",
    ]);
  });

  it("keeps within its line budget when many tests failed, naming the ones it leaves out by count", () => {
    const failures = Array.from({ length: 100 }, (_, i) => ({ suite: "vitest", name: `t${i}`, error: "line 1\nline 2\nline 3" }));
    const lines = failureReport(failures, 40);
    expect(lines.length).toBeLessThanOrEqual(42);
    expect(lines[0]).toBe("== failures (100)");
    expect(lines.at(-1)).toBe("… and 80 more (see the reports in .test-results/)");
  });

  it("prints nothing when nothing failed", () => {
    expect(failureReport([])).toEqual([]);
  });
});

describe("firstLines", () => {
  it("skips blank lines and stops at the maximum", () => {
    expect(firstLines("a\n\n  \nb\nc", 2)).toEqual(["a", "b"]);
  });

  it("skips Playwright's source excerpt, keeping the error, its place and the test's stack frames", () => {
    const message = [
      "Error: page.evaluate: Execution context was destroyed, most likely because of a navigation",
      "",
      "   at drivers/playwright.ts:16",
      "",
      "  14 | function wrapTab(page: Page): Tab {",
      "> 16 |     evaluate: (fn) => page.evaluate(fn, arg),",
      "     |                            ^",
      "    at readiness (/repo/playwright/scenarios/tabs.ts:15:14)",
    ].join("\n");
    expect(firstLines(message, 8)).toEqual([
      "Error: page.evaluate: Execution context was destroyed, most likely because of a navigation",
      "   at drivers/playwright.ts:16",
      "    at readiness (/repo/playwright/scenarios/tabs.ts:15:14)",
    ]);
  });

  it("skips the stack frames of the runners and of Node, keeping the test's own", () => {
    const stack = [
      "AssertionError: expected 1 to be 2",
      "    at /repo/src/a.test.ts:3:40",
      "    at file:///repo/node_modules/@vitest/runner/dist/index.js:1:1",
      "    at new Promise (<anonymous>)",
      "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
      "    at /repo/src/b.ts:9:1",
    ].join("\n");
    expect(firstLines(stack, 8)).toEqual([
      "AssertionError: expected 1 to be 2",
      "    at /repo/src/a.test.ts:3:40",
      "    at /repo/src/b.ts:9:1",
    ]);
  });
});
