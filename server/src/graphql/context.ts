/**
 * What every resolver of a GraphQL request reaches: the data, the functions, and the caller whose
 * rules apply.
 * @packageDocumentation
 */
import type { Caller, MongoService } from "../contracts.js";

/** The context value of a GraphQL request. */
export interface GraphqlContext {
  mongo: MongoService;
  /**
   * Runs a custom resolver's function as the caller (a private function too, as for an HTTPS
   * endpoint; its `can_evaluate` must hold).
   */
  callFunction(name: string, args: unknown[], caller: Caller): Promise<unknown>;
  /** The authenticated user, with the request. */
  caller: Caller;
}
