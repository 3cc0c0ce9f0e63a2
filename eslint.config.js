// @ts-check
// ESLint for the whole repository (`npm run lint`): ESLint's and typescript-eslint's recommended
// rules, with type information for every TypeScript file.
//
// Type information comes from ONE program over all the TypeScript (tsconfig.eslint.json) rather
// than from the project service, which would build a program per tsconfig (src, src/testing,
// worker, server, tests): measured on this 2-core box, about 60 s instead of about 130 s. The
// type-aware rules do not depend on which global library (DOM or WebWorker) a file is checked
// against; worker/entry.ts, the one module that needs the WebWorker library, uses its own config.
// The per-target type check is `npm run typecheck`.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const tests = ["**/*.test.ts", "test/**/*.ts", "server/test/**/*.ts", "playwright/**/*.ts"];

export default defineConfig([
  globalIgnores([
    "**/dist/",
    "docs/api/",
    ".data/",
    ".test-results/",
    "test-results/",
    "playwright-report/",
    "playwright/artifacts/",
    "tmp/",
    ".vite/",
  ]),

  { linterOptions: { reportUnusedDisableDirectives: "error" } },

  { files: ["**/*.{js,mjs}"], extends: [js.configs.recommended] },

  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: ["./tsconfig.eslint.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `any` nowhere, public surface or not (recommended already says so; stated to make it a rule of the house).
      "@typescript-eslint/no-explicit-any": "error",
      // A leading underscore names a parameter or binding kept on purpose (an interface's
      // signature, a field taken out of an object by destructuring).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // `async` without `await` is deliberate here: it turns a synchronous throw (an argument
      // check) into a rejection, and implements interfaces whose methods return promises.
      // Dropping `async` to please the rule would change behaviour.
      "@typescript-eslint/require-await": "off",
      // Forwarding a caught error or an abort reason (typed unknown/any) as the rejection is right.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },

  {
    files: tests,
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.stringMatching, …) and light-my-request's
      // res.json() are typed `any` by their libraries.
      "@typescript-eslint/no-unsafe-assignment": "off",
      // expect(obj.method) reads a method without calling it, which is what a test of it means.
      "@typescript-eslint/unbound-method": "off",
      // IndexedDB helpers reject with request.error, typed DOMException | null by the DOM library.
      "@typescript-eslint/prefer-promise-reject-errors": "off",
      // Playwright fixtures must destructure their first parameter, even when they use no fixture.
      "no-empty-pattern": ["error", { allowObjectPatternsAsParameters: true }],
    },
  },

  // The SharedWorker entry is checked against the WebWorker library (SharedWorkerGlobalScope).
  { files: ["worker/entry.ts"], languageOptions: { parserOptions: { project: ["./worker/tsconfig.json"] } } },
  // realm-web-style application code, kept as such (checked by `npm run typecheck`, not linted)
  { ignores: ["test/realm-web-compat/**"] },

  // Node scripts.
  { files: ["scripts/**/*.mjs"], languageOptions: { globals: globals.node } },

  // App Services function sources: scripts run by the server's function runner, which provides
  // `exports`, `context` and the sandbox globals (server/src/functions/sandbox.ts). Their
  // parameters document what App Services passes, used or not.
  {
    files: ["{demo,playwright,bench}/functions/**/*.js", "playwright/*/functions/**/*.js", "demo/app/functions/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { ...globals.node, context: "readonly", exports: "writable", BSON: "readonly", EJSON: "readonly" },
    },
    rules: { "no-unused-vars": ["error", { args: "none" }] },
  },
]);
