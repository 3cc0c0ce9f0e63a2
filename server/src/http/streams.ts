/**
 * Open server-sent-event streams: each belongs to a user's session, is counted per user, checked
 * periodically against its session (so logout, revocation, deletion or disabling of the user, or a
 * disabled API key end it within a second), and closed on shutdown. SSE framing helpers.
 * @packageDocumentation
 */

/** One open stream. */
export interface OpenStream {
  /** The user it belongs to. */
  readonly userId: string;
  /** The session its access token was issued for. */
  readonly sessionId: string;
  /** Ends the stream (with an error event if `code` is given) and releases its subscription. Idempotent. */
  close(code?: string, message?: string): void;
}

/** How often open streams are checked against their sessions. */
export const SESSION_CHECK_MS = 500;

/** The set of open streams. */
export class StreamRegistry {
  readonly #open = new Set<OpenStream>();
  #timer: NodeJS.Timeout | undefined;

  /** Number of streams currently open. */
  get size(): number {
    return this.#open.size;
  }

  /** Streams a user holds open. */
  countFor(userId: string): number {
    let n = 0;
    for (const s of this.#open) if (s.userId === userId) n += 1;
    return n;
  }

  /** Adds a stream; returns the function that removes it. */
  add(stream: OpenStream): () => void {
    this.#open.add(stream);
    return () => {
      this.#open.delete(stream);
    };
  }

  /**
   * Checks every open stream's session on an interval and closes, with an `InvalidSession` error
   * event, those whose session ended. One check per session and round.
   * @param alive - true if the session still exists for that user (and the user may still use it)
   */
  watchSessions(alive: (userId: string, sessionId: string) => boolean): void {
    this.#timer ??= setInterval(() => {
      const verdicts = new Map<string, boolean>();
      for (const stream of [...this.#open]) {
        const key = `${stream.userId} ${stream.sessionId}`;
        let ok = verdicts.get(key);
        if (ok === undefined) {
          try {
            ok = alive(stream.userId, stream.sessionId);
          } catch {
            // a failing check (e.g. a closed database at shutdown) ends nothing this round
            ok = true;
          }
          verdicts.set(key, ok);
        }
        if (!ok) stream.close("InvalidSession", "the session of this stream ended");
      }
    }, SESSION_CHECK_MS);
    this.#timer.unref();
  }

  /** Closes every open stream (an admin reset); the session checks go on for streams opened later. */
  closeAll(): void {
    for (const stream of [...this.#open]) stream.close();
    this.#open.clear();
  }

  /** Closes every open stream and stops the session checks (server shutdown). */
  dispose(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.closeAll();
  }
}

/** Percent-escapes `%`, LF and CR in SSE data, as App Services does. */
export function escapeSseData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\n/g, "%0A").replace(/\r/g, "%0D");
}

/** A `data:` frame, with an `id:` line when `id` is given (the resume point of the event). */
export function sseDataFrame(text: string, id?: string): string {
  return `${id === undefined ? "" : `id: ${id}\n`}data: ${escapeSseData(text)}\n\n`;
}

/** An `event: error` frame with `{error_code, error}`. */
export function sseErrorFrame(errorCode: string, message: string): string {
  return `event: error\ndata: ${escapeSseData(JSON.stringify({ error_code: errorCode, error: message }))}\n\n`;
}

/** A comment line: keeps the connection active and lets a client notice a dead one. */
export const SSE_HEARTBEAT = ": heartbeat\n\n";
