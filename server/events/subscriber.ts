import type { Logger } from '../log';
import type { Db } from '../storage';
import type { StoredEvent } from './outbox';

/** One open event stream of one user, as the hub sees it. */
export interface Subscriber {
  userId: number;
  /** Writes a chunk; false when the stream's buffer is full (see `drained`). */
  write(chunk: string | Uint8Array): boolean;
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
  buffer: [number | null, Uint8Array][] | null;
  /**
   * The last event id the replay wrote. A batch the hub read before the
   * replay ended may still hold older events: they are not written twice.
   */
  replayed: number;
  /** Live frames of the delivery under way, written together once it is done (server/events/fanout.ts). */
  pending: Buffer[] | null;
}

export interface HubOptions {
  db: Db;
  /** Shares wake-ups and typing between instances; without it the hub is in-process only. */
  redisUrl?: string;
  /** Prefix of the Redis channels and keys: instances on the same database must share it. */
  redisPrefix?: string;
  /** Safety poll of the outbox while streams are open, so a lost wake-up only delays delivery. */
  pollMs?: number;
  /** Comment written to every stream this often, for proxies (docs/api.md: at least every 20 s). */
  keepAliveMs?: number;
  /** Events are kept at least this long (docs/api.md: 24 h), pruned every `pruneEveryMs` (0: never). */
  retentionMs?: number;
  pruneEveryMs?: number;
  /** How often the users of open streams are checked to be still active (default 60 s). */
  recheckMs?: number;
  /** A user's feeds closed and opened again within this long (a page reload) change nothing (default 1 s). */
  presenceGraceMs?: number;
  /** Where failures are logged, once per outage (boot.ts passes the server's logger); stderr lines otherwise. */
  logger?: Logger;
  /** Counters for the metrics (server/metrics.ts). */
  observe?: HubObserver;
}

/** What the hub reports to the metrics. */
export interface HubObserver {
  /** An event was written to `streams` open streams, `sinceCommitMs` after its commit (typing and replays not included). */
  delivered(streams: number, sinceCommitMs: number | null): void;
  /** Reading the outbox or the users failed. */
  dbError(): void;
  /** A Redis connection or command failed. */
  redisError(): void;
}

/** The real-time hub of one process: reads the outbox once per batch and fans each event out. */
export interface Hub {
  /**
   * Something was committed: read the outbox now (and tell the other
   * instances). `committed`, the events of that commit here, are delivered
   * without reading them back when they follow on from the last delivered.
   */
  wake(committed?: StoredEvent[]): void;
  /**
   * Attaches a stream. With `lastEventId`, first replays what the user missed
   * (or writes `reset` when that is not possible) while live events wait in a
   * buffer. Resolves with the function that detaches it.
   */
  subscribe(sub: Subscriber, lastEventId?: string): Promise<() => void>;
  /** Sends a typing signal to the room's other members, on every instance (the caller limits it). */
  typing(roomId: number, user: { id: number; name: string }): Promise<void>;
  /** Which of these users have a feed open on some instance. */
  online(ids: number[]): Promise<Set<number>>;
  /** Deletes the events past the retention window. */
  prune(): Promise<number>;
  /** Open streams, and those still replaying. */
  stats(): { subscribers: number; replaying: number };
  /** Ends every stream and stops timers and Redis connections. */
  close(): Promise<void>;
}
