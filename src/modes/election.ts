/**
 * Leader election among the tabs of an origin: the Web Lock `realm-tabs:leader:<name>` (held for
 * the leader's life; the browser grants it to the next tab the moment the leader's tab closes), or
 * the `broadcast-channel` package's LeaderElection where Web Locks are missing.
 * @packageDocumentation
 */
import { leaderLockName } from "../protocol/names.js";
import { loadBroadcastChannel } from "./loaders.js";

/** A running candidacy. */
export interface Candidacy {
  /** Resolves when this tab becomes the leader (never, if it resigns first). */
  readonly elected: Promise<void>;
  /** Whether the election used Web Locks (false: the `broadcast-channel` fallback, weaker). */
  readonly webLocks: boolean;
  /** Gives up leadership or the place in the queue. */
  resign(): void;
}

/** The subset of `navigator.locks` used here. */
export interface ElectionLocks {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The Web Locks of this realm, if any. */
export function webLocks(): ElectionLocks | undefined {
  return typeof navigator === "undefined" ? undefined : (navigator as Navigator & { locks?: ElectionLocks }).locks;
}

/**
 * Stands for leader of the runtime `name` through Web Locks.
 * @param locks - `navigator.locks`
 */
export function lockCandidacy(locks: ElectionLocks, name: string): Candidacy {
  const abort = new AbortController();
  let release = (): void => {};
  const elected = new Promise<void>((resolve) => {
    locks
      .request(leaderLockName(name), { signal: abort.signal }, () => {
        resolve();
        return new Promise<void>((done) => {
          release = done;
        });
      })
      .catch(() => undefined); // aborted by resign()
  });
  return {
    elected,
    webLocks: true,
    resign() {
      abort.abort();
      release();
    },
  };
}

/**
 * Stands for leader through the `broadcast-channel` package (heartbeats over a channel). Used only
 * where Web Locks are missing; a frozen leader may then be replaced late.
 */
export function channelCandidacy(name: string): Candidacy {
  let resigned = false;
  let stop = (): void => {};
  const elected = (async () => {
    const { BroadcastChannel: PackageChannel, createLeaderElection } = await loadBroadcastChannel();
    const channel = new PackageChannel(leaderLockName(name));
    const elector = createLeaderElection(channel);
    stop = () => {
      void elector.die().finally(() => channel.close());
    };
    if (resigned) stop();
    await elector.awaitLeadership();
  })();
  return {
    elected,
    webLocks: false,
    resign() {
      resigned = true;
      stop();
    },
  };
}

/** Stands for leader with the best mechanism this browser has. */
export function standForLeader(name: string): Candidacy {
  const locks = webLocks();
  return locks ? lockCandidacy(locks, name) : channelCandidacy(name);
}
