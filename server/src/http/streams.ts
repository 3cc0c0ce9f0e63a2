/**
 * Open server-sent-event streams: counted for the admin API and closed on shutdown.
 * @packageDocumentation
 */

/** One open stream. */
export interface OpenStream {
  /** Ends the stream and releases its subscription. Idempotent. */
  close(): void;
}

/** The set of open streams. */
export class StreamRegistry {
  readonly #open = new Set<OpenStream>();

  /** Number of streams currently open. */
  get size(): number {
    return this.#open.size;
  }

  /** Adds a stream; returns the function that removes it. */
  add(stream: OpenStream): () => void {
    this.#open.add(stream);
    return () => {
      this.#open.delete(stream);
    };
  }

  /** Closes every open stream. */
  closeAll(): void {
    for (const stream of [...this.#open]) stream.close();
    this.#open.clear();
  }
}

/** Percent-escapes `%`, LF and CR in SSE data, as App Services does. */
export function escapeSseData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\n/g, "%0A").replace(/\r/g, "%0D");
}

/** A `data:` frame. */
export function sseDataFrame(text: string): string {
  return `data: ${escapeSseData(text)}\n\n`;
}

/** An `event: error` frame with `{error_code, error}`. */
export function sseErrorFrame(errorCode: string, message: string): string {
  return `event: error\ndata: ${escapeSseData(JSON.stringify({ error_code: errorCode, error: message }))}\n\n`;
}
