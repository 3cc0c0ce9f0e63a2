/**
 * The server's protective limits (config file key `limits`): login throttling, token lifetimes of
 * the email/password flows, query evaluation, watch streams and HTTP connections. Every field is
 * optional; the defaults are high enough that real clients and test suites do not reach them.
 * @packageDocumentation
 */
import { z } from "zod";

const count = z.number().int().positive();

/** The `limits` object of the config file. */
export const limitsSchema = z
  .object({
    /** Wrong passwords from one client address on one account before that pair is locked. */
    failedLoginsPerAccount: count,
    /** Wrong passwords from one client address, across all accounts, before that address is locked. */
    failedLoginsPerAddress: count,
    /** One recorded failure is forgotten per this many seconds (locks decay on their own). */
    failedLoginDecaySeconds: count,
    /** Anonymous logins one client address may make in a burst. */
    anonymousLoginBurst: count,
    /** Anonymous logins per minute one client address regains after a burst. */
    anonymousLoginsPerMinute: count,
    /** Lifetime of email confirmation and password reset tokens. */
    userpassTokenTtlSeconds: count,
    /** Time limit of one query evaluation (find, aggregate, the selection of a write, a watch filter). */
    queryTimeoutMs: count,
    /** Heap limit of each query evaluation thread, in MiB. */
    queryMemoryMb: count.min(32).max(1024),
    /** Query evaluation threads that may run at once. */
    queryThreads: count.max(16),
    /** The most documents a find or aggregate may return. */
    maxResultDocuments: count,
    /** The most bytes (BSON) a find or aggregate result may have. */
    maxResultBytes: count,
    /** Watch streams one user may hold open at once. */
    watchStreamsPerUser: count,
    /** Unread bytes a watch stream may buffer before it is closed with an error event. */
    watchBufferBytes: count,
    /** Interval of the SSE comment line sent on idle watch streams. */
    watchHeartbeatSeconds: count,
    /** How long change events are kept for resuming a broken watch stream. */
    watchResumeSeconds: count,
    /** The most change events kept per collection for resuming. */
    watchResumeEvents: count,
    /** A request (headers and body) must arrive within this time. */
    requestTimeoutMs: count,
    /** An idle connection is closed after this time. */
    connectionTimeoutMs: count,
    /** A keep-alive connection may idle this long between requests. */
    keepAliveTimeoutMs: count,
    /** Connections open at once; further ones are refused. */
    maxConnections: count,
    /** Heap limit of the function worker thread, in MiB. */
    functionMemoryMb: count.min(32),
  })
  .partial()
  .strict();

/** The resolved limits. */
export type Limits = Required<z.infer<typeof limitsSchema>>;

/** The default limits. */
export const DEFAULT_LIMITS: Limits = {
  failedLoginsPerAccount: 5,
  failedLoginsPerAddress: 100,
  failedLoginDecaySeconds: 60,
  anonymousLoginBurst: 300,
  anonymousLoginsPerMinute: 300,
  userpassTokenTtlSeconds: 30 * 60,
  queryTimeoutMs: 10_000,
  queryMemoryMb: 256,
  queryThreads: 4,
  maxResultDocuments: 50_000,
  maxResultBytes: 64 * 1024 * 1024,
  watchStreamsPerUser: 25,
  watchBufferBytes: 2 * 1024 * 1024,
  watchHeartbeatSeconds: 15,
  watchResumeSeconds: 300,
  watchResumeEvents: 10_000,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_000,
  functionMemoryMb: 256,
};

/**
 * Fills in the defaults.
 * @param given - the config file's `limits`, if any
 * @param maxFailedLogins - the config file's older `maxFailedLogins`, used when `failedLoginsPerAccount` is absent
 */
export function resolveLimits(given: z.infer<typeof limitsSchema> | undefined, maxFailedLogins?: number): Limits {
  const defined = Object.fromEntries(Object.entries(given ?? {}).filter(([, v]) => v !== undefined));
  const limits: Limits = { ...DEFAULT_LIMITS, ...defined };
  if (given?.failedLoginsPerAccount === undefined && maxFailedLogins !== undefined) limits.failedLoginsPerAccount = maxFailedLogins;
  return limits;
}
