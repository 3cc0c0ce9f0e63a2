/**
 * The triggers of an exported app that this server runs (database, authentication and scheduled
 * triggers with a function event processor), as read from `triggers/*.json`.
 * @packageDocumentation
 */

/** What every trigger has. */
export interface TriggerBase {
  name: string;
  /** The function that receives the trigger's events (it runs as the system user). */
  functionName: string;
}

/** The change event kinds a database trigger may fire on. */
export type DatabaseOperation = "INSERT" | "UPDATE" | "REPLACE" | "DELETE";

/** A database trigger: the changes of one collection, or of every collection of a database. */
export interface DatabaseTrigger extends TriggerBase {
  type: "DATABASE";
  service: string;
  database: string;
  /** The watched collection; undefined: every collection of the database. */
  collection: string | undefined;
  operationTypes: ReadonlySet<DatabaseOperation>;
  /** `fullDocument` on UPDATE events too (INSERT and REPLACE always have it, DELETE never). */
  fullDocument: boolean;
  /** `fullDocumentBeforeChange` on every event but INSERT. */
  fullDocumentBeforeChange: boolean;
  /** A query on the change event (`$match`); undefined or empty: every event. */
  match: Record<string, unknown> | undefined;
  /** A projection of the change event (`$project`); undefined or empty: the whole event. */
  project: Record<string, unknown> | undefined;
  /** When false (the default), each event's function call ends before the next one starts. */
  unordered: boolean;
}

/** The user events an authentication trigger may fire on. */
export type AuthOperation = "LOGIN" | "CREATE" | "DELETE";

/** An authentication trigger: logins, user creations and deletions through some providers. */
export interface AuthenticationTrigger extends TriggerBase {
  type: "AUTHENTICATION";
  operationTypes: ReadonlySet<AuthOperation>;
  /** Provider types (`anon-user`, `local-userpass`, …). */
  providers: ReadonlySet<string>;
}

/** A scheduled trigger: a CRON expression, in UTC. */
export interface ScheduledTrigger extends TriggerBase {
  type: "SCHEDULED";
  schedule: string;
}

/** A trigger this server runs. */
export type TriggerSpec = DatabaseTrigger | AuthenticationTrigger | ScheduledTrigger;

/** An authentication event, as App Services passes it to the function. */
export interface AuthEvent {
  operationType: AuthOperation;
  /** The providers that emitted it (every linked provider for a DELETE). */
  providers: string[];
  /** The user object (`{id, type, data, custom_data, identities}`). */
  user: Record<string, unknown>;
  time: Date;
}

/** How triggers reach the rest of the server. */
export interface TriggerDeps {
  /**
   * Calls a function as the system user.
   * @param name - the function
   * @param args - its arguments (the event)
   */
  call(name: string, args: unknown[]): Promise<unknown>;
  /** Reports a trigger's failure (a function that threw, a match that failed), one line. */
  report(line: string): void;
}
