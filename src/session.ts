/**
 * One tab's attachment to one app runtime: the connection, the app's BroadcastChannel and the
 * mirror. The channel is opened before the handshake (on the key the tab expects), so no event
 * committed after the connect snapshot can be missed.
 * @packageDocumentation
 */
import type { Remote } from "comlink";
import { RealmTabsError } from "./protocol/errors.js";
import { appKeyFor, channelName } from "./protocol/events.js";
import type { AppConfigWire, MutationReply, SessionApi } from "./protocol/rpc.js";
import { openConnection, type Connection, type ConnectionOptions } from "./connection.js";
import { Mirror, type MirrorHooks } from "./mirror.js";

/** A connected tab session (see module doc). */
export class TabSession {
  /** The mirror of the runtime's state. */
  readonly mirror: Mirror;
  /** Resolves once connected and the first snapshot is applied. */
  readonly ready: Promise<void>;
  private appKey: string;
  private channel: BroadcastChannel | null = null;
  private connection: Connection | null = null;
  private closed = false;

  /**
   * Starts connecting at once.
   * @param config - the app as it crosses to the runtime
   * @param options - worker factory and deadline
   * @param hooks - called when the mirror applies a snapshot, and for warnings
   */
  constructor(config: AppConfigWire, options: ConnectionOptions, hooks: MirrorHooks) {
    this.appKey = appKeyFor(config.id, config.baseUrl);
    this.mirror = new Mirror(this.appKey, hooks);
    this.listen(this.appKey);
    this.ready = this.start(config, options);
  }

  private listen(appKey: string): void {
    this.channel?.close();
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(channelName(appKey));
    channel.onmessage = (event: MessageEvent) => {
      this.mirror.handleMessage(event.data);
    };
    this.channel = channel;
  }

  private async start(config: AppConfigWire, options: ConnectionOptions): Promise<void> {
    const { connection, reply } = await openConnection(config, options);
    if (this.closed) {
      connection.close();
      return;
    }
    this.connection = connection;
    if (reply.appKey !== this.appKey) {
      this.appKey = reply.appKey;
      this.mirror.setAppKey(reply.appKey);
      this.listen(reply.appKey);
    }
    this.mirror.apply(reply.snapshot, []);
    for (const w of reply.warnings) console.warn(`[realm-tabs] ${w.code}: ${w.message}`);
  }

  /**
   * Runs one call once connected (waiting for the handshake first).
   * @throws {RealmTabsError} `runtime-closed` after {@link TabSession.close}, `timeout`, or the handshake's error
   */
  async call<T>(what: string, fn: (api: Remote<SessionApi>, appKey: string) => Promise<T>): Promise<T> {
    await this.ready;
    const connection = this.connection;
    if (!connection || this.closed) {
      throw new RealmTabsError("runtime-closed", "this App was closed", { retryable: false });
    }
    return connection.call(what, (api) => fn(api, this.appKey));
  }

  /** Runs a state-changing call and applies the reply's snapshot (and fires its changes) before resolving. */
  async mutate(what: string, fn: (api: Remote<SessionApi>, appKey: string) => Promise<MutationReply>): Promise<MutationReply> {
    const reply = await this.call(what, fn);
    this.mirror.apply(reply.snapshot, reply.changes);
    return reply;
  }

  /** Closes the channel, releases the liveness lock and the proxy. */
  close(): void {
    this.closed = true;
    this.channel?.close();
    this.channel = null;
    this.connection?.close();
    this.connection = null;
  }
}
