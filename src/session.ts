/**
 * One tab's session of one app: the mirror the App's getters read synchronously, the status
 * events, and the attachment to the runtime (attachment.ts: connection, channel, event gate, push
 * receiver), whose code the constructor starts loading at once. A page's start thus holds only
 * the API classes and the mirror; every call waits for the attachment's handshake.
 * @packageDocumentation
 */
import type { Remote } from "comlink";
import { RealmTabsError } from "./protocol/errors.js";
import { loadOnDemand } from "./protocol/deadline.js";
import { appKeyFor } from "./protocol/names.js";
import type { AppConfigWire, MutationReply, Operation, SessionApi, SessionMethod } from "./protocol/rpc.js";
import type { ConnectionOptions } from "./connection.js";
import type { Attachment } from "./attachment.js";
import { Mirror, type MirrorHooks } from "./mirror.js";
import { StatusEvents } from "./modes/events.js";
import type { RuntimeMode } from "./modes/select.js";

/** What a tab session reports to its App. */
export interface SessionHooks extends MirrorHooks {
  /** A warning of the runtime (e.g. storage degraded to memory). */
  onWarning?(code: string, message: string): void;
  /** A tab of another build attached to the runtime. */
  onOutdated?(buildId: string): void;
  /** Called after this tab's own change was confirmed by the runtime and applied. */
  onMutated?(): void;
}

function closedError(): RealmTabsError {
  return new RealmTabsError("runtime-closed", "this App was closed", { retryable: false });
}

/** A tab session (see module doc). */
export class TabSession {
  /** The mirror of the runtime's state (seeded by the App from the last known state). */
  readonly mirror: Mirror;
  /** Resolves once connected and the first snapshot is applied. */
  readonly ready: Promise<void>;
  /** Status events: `outdated`, `degraded`, `leader-changed`. */
  readonly status = new StatusEvents();
  /** The attachment, once its code loaded (null before, and for an inert session). */
  attached: Attachment | null = null;
  private readonly attaching: Promise<Attachment>;
  private closed = false;
  /** What every call but the realm-web import waits for first (see {@link TabSession.holdCallsUntil}). */
  private held: Promise<unknown> | null = null;

  /**
   * Starts loading the attachment's code, which then connects.
   * @param config - the app as it crosses to the runtime
   * @param options - worker factory and deadline (also the deadline of loading the attachment's code)
   * @param hooks - called when the mirror applies a snapshot, for warnings and for other builds
   * @param inert - start nothing (no code, no channel, no runtime): `ready` and every call reject with `not-supported`
   */
  constructor(
    config: AppConfigWire,
    options: ConnectionOptions,
    private readonly hooks: SessionHooks,
    inert = false,
  ) {
    this.mirror = new Mirror(appKeyFor(config.id, config.baseUrl), hooks);
    if (inert) {
      // server-side rendering: no channel, no runtime, nothing that keeps the process alive
      this.attaching = Promise.reject(
        new RealmTabsError("not-supported", "this App was created outside a browser page (server-side rendering): it stays inert", {
          retryable: false,
        }),
      );
    } else {
      this.attaching = loadOnDemand(() => import("./attachment.js"), "the runtime connection", options.timeoutMs).then(({ Attachment }) => {
        if (this.closed) throw closedError();
        this.attached = new Attachment(config, options, hooks, this.mirror, this.status);
        return this.attached;
      });
    }
    this.ready = this.attaching.then((attached) => attached.ready);
    this.attaching.catch(() => {});
  }

  /** Where the runtime runs (null until connected). */
  get mode(): RuntimeMode | null {
    return this.attached?.mode ?? null;
  }

  /** Why the runtime mode is weaker than a SharedWorker (null if it is not, or not connected yet). */
  get degraded(): string | null {
    return this.attached?.degraded ?? null;
  }

  /**
   * Makes every later call and change but the realm-web import wait until `done` settles: on the
   * first start after realm-web, a login (or a call of an imported user) made before the import
   * finished would reach the runtime first, and `Credentials.anonymous()` would make a new user
   * instead of reusing the one realm-web had. `done` has the deadlines of the import's own calls.
   */
  holdCallsUntil(done: Promise<unknown>): void {
    this.held = done.catch(() => undefined);
  }

  private async attachedFor(op: Operation): Promise<Attachment> {
    const attached = await this.attaching;
    if (this.held !== null && op.method !== "importRealmWeb") await this.held;
    if (this.closed) throw closedError();
    return attached;
  }

  /**
   * Runs one call once connected (waiting for the attachment's code and handshake first): `run`
   * gets the remote method `op` names and the app key.
   * @throws {RealmTabsError} `runtime-closed` after {@link TabSession.close}, `timeout`, `network`
   *   (the attachment's code could not be loaded), or the handshake's error
   */
  async call<M extends SessionMethod, T>(op: Operation<M>, run: (method: Remote<SessionApi>[M], appKey: string) => Promise<T>): Promise<T> {
    return (await this.attachedFor(op)).call(op, run);
  }

  /**
   * Runs a state-changing call and applies the reply's snapshot (and fires its changes) before resolving.
   * @throws {RealmTabsError} as {@link TabSession.call}
   */
  async mutate<M extends SessionMethod>(
    op: Operation<M>,
    run: (method: Remote<SessionApi>[M], appKey: string) => Promise<MutationReply>,
  ): Promise<MutationReply> {
    const reply = await (await this.attachedFor(op)).mutate(op, run);
    this.hooks.onMutated?.();
    return reply;
  }

  /** Closes the attachment (its channel, liveness lock and proxy); a later attachment never starts. */
  close(): void {
    this.closed = true;
    this.attached?.close();
  }
}
