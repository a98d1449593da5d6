/** One open event stream of one user, as the hub sees it. */
export interface Subscriber {
  userId: number;
  /** Writes a chunk; false when the stream's buffer is full (see `drained`). */
  write(chunk: string): boolean;
  /** Resolves when the stream can take more, or is closed. */
  drained(): Promise<void>;
  /** False once the stream is closed (a replay then stops). */
  readonly open: boolean;
  close(): void;
  /**
   * Called once, just before the first write can happen. A fresh stream (no
   * Last-Event-ID) is told the id of the last event before its first one:
   * where its client resumes even if no event ever reaches it.
   */
  ready?(after?: number): void;
}

/** A stream attached to the hub. */
export interface Entry {
  sub: Subscriber;
  /** Live frames held while the stream replays: [event id or null for typing, frame]. */
  buffer: [number | null, string][] | null;
  /**
   * The last event id the replay wrote. A batch the hub read before the
   * replay ended may still hold older events: they are not written twice.
   */
  replayed: number;
}
