import { describe, expect, test } from "vitest";
import { checkValidation } from "./validate.js";

const body = new TextEncoder().encode('{ "message": "Hello!" }');
// The App Services docs' example: this body, signed with the secret Super5ecr3tPa55w0rd.
const DOCS_SIGNATURE = "sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36";
const verify = { kind: "VERIFY_PAYLOAD", secretName: "s", secret: "Super5ecr3tPa55w0rd" } as const;
const query = { kind: "SECRET_AS_QUERY_PARAM", secretName: "s", secret: "Super5ecr3tPa55w0rd" } as const;

describe("endpoint validation", () => {
  test("the docs' payload signature verifies (hex in either case)", () => {
    expect(() => checkValidation(verify, { secret: undefined, signature: DOCS_SIGNATURE, body })).not.toThrow();
    expect(() =>
      checkValidation(verify, { secret: undefined, signature: DOCS_SIGNATURE.toUpperCase().replace("SHA256", "sha256"), body }),
    ).not.toThrow();
  });

  test.each([
    ["no signature", undefined, body],
    ["another body", DOCS_SIGNATURE, new TextEncoder().encode('{"message":"Hello!"}')],
    ["a signature without its prefix", DOCS_SIGNATURE.slice(7), body],
    ["a short signature", "sha256=abcd", body],
  ])("refuses %s with 401 Unauthorized", (_label, signature, bytes) => {
    expect(() => checkValidation(verify, { secret: undefined, signature, body: bytes })).toThrow(
      expect.objectContaining({ statusCode: 401, errorCode: "Unauthorized" }),
    );
  });

  test("the secret query parameter must equal the secret; a secret the server lacks refuses everything", () => {
    expect(() => checkValidation(query, { secret: "Super5ecr3tPa55w0rd", signature: undefined, body })).not.toThrow();
    for (const secret of [undefined, "", "Super5ecr3tPa55w0rd!", "super5ecr3tpa55w0rd"]) {
      expect(() => checkValidation(query, { secret, signature: undefined, body })).toThrow(expect.objectContaining({ statusCode: 401 }));
    }
    expect(() => checkValidation({ ...query, secret: undefined }, { secret: "anything", signature: undefined, body })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("was not provided") }),
    );
    expect(() => checkValidation({ kind: "NO_VALIDATION" }, { secret: undefined, signature: undefined, body })).not.toThrow();
  });
});
