/**
 * The `utils` global of functions: `utils.jwt` (utilsJwt.ts) and `utils.crypto` (utilsCrypto.ts), as the
 * App Services docs describe them (source/functions/globals.txt, "Utilities"). All methods are
 * synchronous, like App Services'; byte results are `BSON.Binary` of the `bson` package (the sandbox's `BSON`).
 * @packageDocumentation
 */
import { createUtilsCrypto, type FunctionCrypto } from "./utilsCrypto.js";
import { createUtilsJwt, type FunctionJwt } from "./utilsJwt.js";

export type { FunctionCrypto } from "./utilsCrypto.js";
export type { FunctionJwt, JwtDecoded, JwtObject, JwtSigningMethod } from "./utilsJwt.js";

/** The `utils` global of functions. */
export interface FunctionUtils {
  /** JSON Web Tokens: `encode`, `decode`. */
  readonly jwt: FunctionJwt;
  /** Cryptography: `encrypt`, `decrypt`, `sign`, `verify`, `hmac`, `hash`. */
  readonly crypto: FunctionCrypto;
}

/**
 * Creates the `utils` global (frozen; it holds no state, so one may serve every call).
 * @returns `{jwt, crypto}`, whose methods throw as {@link FunctionJwt} and {@link FunctionCrypto} say
 */
export function createUtils(): FunctionUtils {
  return Object.freeze({ jwt: createUtilsJwt(), crypto: createUtilsCrypto() });
}
