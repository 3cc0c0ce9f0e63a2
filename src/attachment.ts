/**
 * One tab's attachment to one app runtime: the connection (mode choice, SharedWorker, handshake),
 * the app's BroadcastChannel, the event gate and the push receiver, all feeding the tab's mirror.
 * The channel is opened before the handshake (on the key the tab expects), so no event committed
 * after the connect snapshot can be missed. `TabSession` (session.ts) loads this module when the
 * App is created, so a page's start holds only the API classes and the mirror.
 * @packageDocumentation
 */
import type { Remote } from "comlink";
import { RealmTabsError } from "./protocol/errors.js";
import { BUILD_ID, BUILDS_CHANNEL, appKeyFor, channelName } from "./protocol/names.js";
import type { PageChannel } from "./protocol/pageChannel.js";
import type { AppConfigWire, ConnectReply, MutationReply, Operation, SessionApi, SessionMethod } from "./protocol/rpc.js";
import { openConnection, type Connection, type ConnectionOptions } from "./connection.js";
import { GateOnDemand } from "./gateOnDemand.js";
import { PushReceiver } from "./pushReceiver.js";
import type { AppSnapshot } from "./protocol/snapshots.js";
import type { Mirror } from "./mirror.js";
import { codecFor } from "./codec/lazy.js";
import type { StatusEvents } from "./modes/events.js";
import type { SessionHooks } from "./session.js";
import { onPageWake } from "./modes/lifecycle.js";
import type { RuntimeMode } from "./modes/select.js";
import { watchBuilds } from "./modes/versions.js";

/** A tab attached to its runtime (see module doc). */
export class Attachment {
  /** Resolves once connected and the first snapshot is applied. */
  readonly ready: Promise<void>;
  private readonly mirror: Mirror;
  private readonly status: StatusEvents;
  /** Channel events pass through it: a `state` event only triggers a snapshot fetch (see eventGate.ts, loaded on the first event). */
  readonly gate: GateOnDemand;
  /** Snapshots the runtime pushes to this tab's private port after each commit. */
  readonly pushes: PushReceiver;
  /** Whether the runtime took this tab's push port (set by each handshake's reply). */
  private pushing = false;
  private appKey: string;
  private readonly buildId: string;
  private readonly stops: (() => void)[] = [];
  private channel: PageChannel | null = null;
  private connection: Connection | null = null;
  private closed = false;

  /**
   * Starts connecting at once.
   * @param config - the app as it crosses to the runtime
   * @param options - worker factory and deadline
   * @param hooks - for warnings and for other builds
   * @param mirror - the tab's mirror, which every snapshot goes to
   * @param status - where `outdated`, `degraded` and `leader-changed` are emitted
   */
  constructor(config: AppConfigWire, options: ConnectionOptions, hooks: SessionHooks, mirror: Mirror, status: StatusEvents) {
    this.mirror = mirror;
    this.status = status;
    this.appKey = appKeyFor(config.id, config.baseUrl);
    this.buildId = options.buildId ?? BUILD_ID;
    this.pushes = new PushReceiver(this.mirror);
    this.gate = new GateOnDemand({
      mirror: this.mirror,
      appKey: () => this.appKey,
      pushing: () => this.pushing,
      fetchSnapshot: () => this.fetchSnapshot(),
      onError: (error) => {
        if (!this.closed) console.warn("[realm-tabs] handling a channel event failed (fetching the snapshot, or loading the gate)", error);
      },
      onWarning: (code, message) => {
        hooks.onWarning?.(code, message);
        if (code === "storage-version") this.status.emit("outdated", { buildId: null, reason: message });
      },
      onOutdated: (buildId) => {
        if (buildId === this.buildId) return; // this tab is the newer one
        hooks.onOutdated?.(buildId);
        this.status.emit("outdated", { buildId, reason: `build ${buildId} of this app runs in another tab` });
      },
    });
    this.listen(this.appKey);
    this.watchVersions();
    this.stops.push(onPageWake(() => void this.catchUp()));
    this.stops.push(() => this.gate.close());
    this.ready = this.start(config, {
      ...options,
      onReconnect: (reply) => this.onReconnect(reply),
      onPush: (data) => this.pushes.handle(data),
    });
  }

  /** Where the runtime runs (null until connected). */
  get mode(): RuntimeMode | null {
    return this.connection?.mode ?? null;
  }

  /** Why the runtime mode is weaker than a SharedWorker (null if it is not, or not connected yet). */
  get degraded(): string | null {
    return this.connection?.degraded ?? null;
  }

  private watchVersions(): void {
    if (typeof BroadcastChannel === "undefined") return;
    this.stops.push(
      watchBuilds(new BroadcastChannel(BUILDS_CHANNEL), this.buildId, Date.now(), (newer) => {
        this.status.emit("outdated", { buildId: newer, reason: `build ${newer} of this app was opened in another tab` });
      }),
    );
  }

  private onReconnect(reply: ConnectReply): void {
    this.pushing = reply.pushing === true;
    if (!this.pushing) this.gate.preload();
    this.mirror.apply(reply.snapshot, []);
    this.status.emit("leader-changed", { mode: this.mode ?? "leader" });
  }

  /**
   * Asks the runtime for its current snapshot and applies it (after the page slept: bfcache,
   * freeze, hidden). Failures are reported as warnings; the next event or call catches up anyway.
   */
  async catchUp(): Promise<void> {
    const connection = this.connection;
    if (!connection || this.closed) return;
    try {
      const reply = await connection.resync();
      this.pushing = reply.pushing === true;
      await codecFor(reply.snapshot);
      this.mirror.apply(reply.snapshot, []);
    } catch (error) {
      console.warn("[realm-tabs] catching up after the page woke failed", error);
    }
  }

  /** The runtime's snapshot, over the private connection. */
  private async fetchSnapshot(): Promise<AppSnapshot> {
    const snapshot = await this.call({ method: "snapshot" }, (fetch, appKey) => fetch(appKey));
    await codecFor(snapshot);
    return snapshot;
  }

  private listen(appKey: string): void {
    this.channel?.close();
    this.channel = null;
    const name = channelName(appKey);
    // a realm without BroadcastChannel runs in-page: the stand-in comes with the connection, which
    // start() listens on once it exists
    const channel = typeof BroadcastChannel === "undefined" ? this.connection?.pageChannel?.(name) : new BroadcastChannel(name);
    if (!channel) return;
    channel.onmessage = (event: MessageEvent) => {
      this.gate.handle(event.data);
    };
    this.channel = channel;
  }

  private async start(config: AppConfigWire, options: ConnectionOptions): Promise<void> {
    const { connection, reply } = await openConnection(config, options).catch((error: unknown) => {
      if (error instanceof RealmTabsError && error.code === "protocol-mismatch") {
        this.status.emit("outdated", { buildId: null, reason: error.message });
      }
      throw error;
    });
    if (this.closed) {
      connection.close();
      return;
    }
    this.connection = connection;
    this.pushing = reply.pushing === true;
    if (!this.pushing) this.gate.preload(); // every commit reaches this tab as a hint
    if (connection.degraded !== null) {
      console.warn(`[realm-tabs] runtime mode ${connection.mode}: ${connection.degraded}`);
      this.status.emit("degraded", { mode: connection.mode, reason: connection.degraded });
    }
    if (reply.appKey !== this.appKey) {
      this.appKey = reply.appKey;
      this.mirror.setAppKey(reply.appKey);
      this.listen(reply.appKey);
    } else if (!this.channel) this.listen(reply.appKey);
    await codecFor(reply.snapshot);
    this.mirror.apply(reply.snapshot, []);
    for (const w of reply.warnings) console.warn(`[realm-tabs] ${w.code}: ${w.message}`);
  }

  /**
   * Runs one call once connected (waiting for the handshake first): `run` gets the remote method
   * `op` names and the app key.
   * @throws {RealmTabsError} `runtime-closed` after {@link Attachment.close}, `timeout`, or the handshake's error
   */
  async call<M extends SessionMethod, T>(op: Operation<M>, run: (method: Remote<SessionApi>[M], appKey: string) => Promise<T>): Promise<T> {
    await this.ready;
    const connection = this.connection;
    if (!connection || this.closed) {
      throw new RealmTabsError("runtime-closed", "this App was closed", { retryable: false });
    }
    return connection.call(op, (method) => run(method, this.appKey));
  }

  /**
   * Runs a state-changing call and applies the reply's snapshot (and fires its changes) before resolving.
   * @throws {RealmTabsError} as {@link Attachment.call}
   */
  async mutate<M extends SessionMethod>(
    op: Operation<M>,
    run: (method: Remote<SessionApi>[M], appKey: string) => Promise<MutationReply>,
  ): Promise<MutationReply> {
    const reply = await this.call(op, run);
    await codecFor(reply.snapshot);
    this.mirror.apply(reply.snapshot, reply.changes);
    return reply;
  }

  /** Closes the channel, releases the liveness lock and the proxy. */
  close(): void {
    this.closed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.channel?.close();
    this.channel = null;
    this.connection?.close();
    this.connection = null;
  }
}

// reaches every module the chunks loaded later share with the start and with this module, so
// that they land in this module's chunk or the start's (see laterShared.ts)
export * as sharedWithLater from "./laterShared.js";
