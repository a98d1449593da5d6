import type { Logger } from '../log';
import type { Db } from '../storage';
import { eventsAfter, frame, lastEventId, membersOf, pruneEvents, roomMatesOf } from './outbox';
import { createPresence, type PresenceChange } from './presence';
import { connectRedis } from './redis';
import { resume } from './replay';
import type { Entry, Subscriber } from './subscriber';

export type { Subscriber } from './subscriber';

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
  /** Something was committed: read the outbox now (and tell the other instances). */
  wake(): void;
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

/** Events read from the outbox at a time. */
const BATCH = 500;
/** Under a steady flow of commits, the outbox is read at most this often. */
const BUSY_GAP_MS = 4;
const KEEP_ALIVE = ': keep-alive\n\n';

/** Builds the hub; timers run only while streams are open (pruning aside). */
export function createHub(opts: HubOptions): Hub {
  const { db } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  const retentionMs = opts.retentionMs ?? 24 * 3600_000;
  const recheckMs = opts.recheckMs ?? 60_000;
  const byUser = new Map<number, Set<Entry>>();
  let count = 0;
  let lastSeen: Promise<number> | number | null = null;
  let pumping = false;
  let again = false;
  let timers: NodeJS.Timeout[] = [];
  let closed = false;
  // Logged once per outage, not once per poll.
  const failing = new Set<string>();
  const warn = (what: string, err: unknown) => {
    if (!failing.has(what)) {
      const text = `ipp-chat events: ${what}: ${err instanceof Error ? err.message : err}`;
      if (opts.logger) opts.logger.error(text);
      else console.error(text);
    }
    failing.add(what);
  };
  const dbFailed = (what: string, err: unknown) => {
    opts.observe?.dbError();
    warn(what, err);
  };

  const redis = opts.redisUrl
    ? connectRedis(opts.redisUrl, opts.redisPrefix ?? 'ipp-chat', {
      onWake: () => void pump(),
      onTyping: (roomId, userId, chunk) => void deliverTyping(roomId, userId, chunk),
      onPresence: (change) => void deliverPresence(change),
      onError: (err) => {
        opts.observe?.redisError();
        warn('Redis unavailable, delivery to other instances falls back to polling', err);
      },
      onReady: () => failing.delete('Redis unavailable, delivery to other instances falls back to polling'),
    })
    : null;
  const presence = createPresence({
    db, redisUrl: opts.redisUrl, redisPrefix: opts.redisPrefix, graceMs: opts.presenceGraceMs, warn,
    announce(change) {
      void deliverPresence(change);
      redis?.publishPresence(change);
    },
  });

  /** Hands a frame to a user's streams; returns how many it reached. */
  function deliver(userId: number, id: number | null, chunk: string): number {
    const entries = byUser.get(userId);
    if (!entries) return 0;
    let reached = 0;
    for (const e of entries) {
      if (e.buffer) e.buffer.push([id, chunk]);
      else if (id === null || id > e.replayed) e.sub.write(chunk);
      else continue;
      reached++;
    }
    return reached;
  }

  const seen = () => (lastSeen ??= lastEventId(db).then(
    (n) => (lastSeen = n),
    (err) => { lastSeen = null; throw err; },
  ));

  /** Reads what was committed since the last read, once for every stream, and delivers it. */
  async function pump(): Promise<void> {
    // Nobody listens here: nothing to read (subscribe() catches up when someone comes).
    if (!count) return;
    if (pumping) { again = true; return; }
    pumping = true;
    try {
      let after = await seen();
      do {
        again = false;
        const rows = await eventsAfter(db, after, BATCH);
        if (!rows.length) break;
        const members = await membersOf(db, [...new Set(rows.map((r) => r.roomId))]);
        // No await from here to the end of the loop body: a stream that subscribes meanwhile sees all or nothing of it.
        for (const r of rows) {
          const chunk = frame(r.id, r.type, r.data);
          const room = members.get(r.roomId)!;
          let reached = 0;
          // Walk the smaller side: a large channel's members, or the few users with a stream here.
          // A member gets the room's events from the one that made them a member on.
          if (room.size <= byUser.size) { for (const [u, from] of room) if (r.id >= from) reached += deliver(u, r.id, chunk); }
          else for (const u of byUser.keys()) if (r.id >= (room.get(u) ?? Infinity)) reached += deliver(u, r.id, chunk);
          for (const a of new Set(r.audience?.split(','))) if (!room.has(Number(a))) reached += deliver(Number(a), r.id, chunk);
          if (reached) opts.observe?.delivered(reached, r.createdAt ? Date.now() - r.createdAt.getTime() : null);
        }
        after = rows[rows.length - 1].id;
        lastSeen = after;
        if (rows.length === BATCH) again = true;
        // Commits keep coming: a few more ms let one read serve several of them instead of one each.
        else if (again) await new Promise((resolve) => setTimeout(resolve, BUSY_GAP_MS));
      } while (again);
      failing.delete('reading the outbox');
    } catch (err) {
      dbFailed('reading the outbox', err);
    } finally {
      pumping = false;
    }
  }

  /** Tells the streams here of the user's room mates that the user came or went (ephemeral, like typing). */
  async function deliverPresence(change: PresenceChange) {
    if (!count) return;
    try {
      const chunk = frame(null, 'presence', JSON.stringify(change));
      for (const u of await roomMatesOf(db, change.userId)) deliver(u, null, chunk);
    } catch (err) {
      warn('presence', err);
    }
  }

  async function deliverTyping(roomId: number, userId: number, chunk: string) {
    if (!count) return;
    try {
      const members = (await membersOf(db, [roomId])).get(roomId)!;
      for (const u of members.keys()) if (u !== userId) deliver(u, null, chunk);
    } catch (err) {
      dbFailed('typing', err);
    }
  }

  /** Ends the streams of users who are no longer active: the REST API refuses them at once, the feed soon after. */
  async function dropInactive() {
    const ids = [...byUser.keys()];
    try {
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        const active = await db.users.activeIds(chunk);
        for (const id of chunk) if (!active.has(id)) for (const e of [...(byUser.get(id) ?? [])]) e.sub.close();
      }
      failing.delete('checking users');
    } catch (err) {
      dbFailed('checking users', err);
    }
  }

  function startTimers() {
    timers.push(setInterval(() => void pump(), pollMs));
    timers.push(setInterval(() => void dropInactive(), recheckMs));
    timers.push(setInterval(() => {
      for (const entries of byUser.values()) for (const e of entries) if (!e.buffer) e.sub.write(KEEP_ALIVE);
    }, keepAliveMs));
  }

  function stopTimers() {
    for (const t of timers) clearInterval(t);
    timers = [];
  }

  function add(entry: Entry) {
    let set = byUser.get(entry.sub.userId);
    if (!set) {
      byUser.set(entry.sub.userId, (set = new Set()));
      presence.up(entry.sub.userId);
    }
    set.add(entry);
    if (count++ === 0) startTimers();
  }

  function remove(entry: Entry) {
    const set = byUser.get(entry.sub.userId);
    if (!set?.delete(entry)) return;
    if (!set.size) {
      byUser.delete(entry.sub.userId);
      presence.down(entry.sub.userId);
    }
    if (--count === 0) stopTimers();
  }

  let pruning: NodeJS.Timeout | undefined;
  const prune = () => pruneEvents(db, new Date(Date.now() - retentionMs));
  if (opts.pruneEveryMs) {
    const run = () => void prune().then(() => failing.delete('pruning'), (err) => dbFailed('pruning', err));
    run();
    pruning = setInterval(run, opts.pruneEveryMs);
    pruning.unref();
  }

  return {
    wake() {
      redis?.publishWake();
      void pump();
    },

    async subscribe(sub, lastId) {
      if (closed) throw new Error('the event hub is closed');
      if (count === 0) {
        // The hub was idle and did not follow the outbox: live delivery starts after what exists now.
        const fresh = await lastEventId(db);
        if (count === 0 && !pumping) lastSeen = fresh;
      } else {
        await seen();
      }
      const entry: Entry = { sub, buffer: lastId !== undefined ? [] : null, replayed: 0 };
      // Live delivery to this stream starts right after lastSeen: no await between here and add().
      sub.ready?.(lastId === undefined && typeof lastSeen === 'number' ? lastSeen : undefined);
      add(entry);
      if (lastId !== undefined) {
        try {
          await resume(db, entry, lastId);
        } catch (err) {
          remove(entry);
          throw err;
        }
      }
      return () => remove(entry);
    },

    async typing(roomId, user) {
      const chunk = frame(null, 'typing', JSON.stringify({ roomId, userId: user.id, name: user.name }));
      await deliverTyping(roomId, user.id, chunk);
      redis?.publishTyping(roomId, user.id, chunk);
    },

    online: (ids) => presence.online(ids),

    prune,

    stats() {
      let replaying = 0;
      for (const entries of byUser.values()) for (const e of entries) if (e.buffer) replaying++;
      return { subscribers: count, replaying };
    },

    async close() {
      closed = true;
      clearInterval(pruning);
      stopTimers();
      for (const entries of [...byUser.values()]) for (const e of [...entries]) e.sub.close();
      byUser.clear();
      count = 0;
      await presence.close();
      redis?.close();
    },
  };
}
