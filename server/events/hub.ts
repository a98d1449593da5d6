import { createRosterCache, createWriter, presenceChunks, roomsOfUsers } from './fanout';
import { eventsAfter, frame, lastEventId, pruneEvents, type StoredEvent } from './outbox';
import { createPresence, type PresenceChange } from './presence';
import { connectRedis } from './redis';
import { resume } from './replay';
import type { Entry, Hub, HubOptions } from './subscriber';

export type { Hub, HubObserver, HubOptions, Subscriber } from './subscriber';

/** Events read from the outbox at a time. */
const BATCH = 500;
/** Under a steady flow of commits, the outbox is read at most this often. */
const BUSY_GAP_MS = 4;
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');
/** Presence changes are gathered this long, then told in one write per stream (docs/api.md: within 2 s). */
const PRESENCE_BATCH_MS = 500;

/** Builds the hub; timers run only while streams are open (pruning aside). */
export function createHub(opts: HubOptions): Hub {
  const { db } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  const retentionMs = opts.retentionMs ?? 24 * 3600_000;
  const recheckMs = opts.recheckMs ?? 60_000;
  const byUser = new Map<number, Set<Entry>>();
  const writer = createWriter();
  const roster = createRosterCache(db);
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
      onTyping: (roomId, userId, chunk) => void deliverTyping(roomId, userId, Buffer.from(chunk)),
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

  /** Hands a frame to a user's streams (written with the others of the delivery under way); returns how many it reached. */
  function deliver(userId: number, id: number | null, chunk: Buffer): number {
    const entries = byUser.get(userId);
    if (!entries) return 0;
    let reached = 0;
    for (const e of entries) {
      if (e.buffer) e.buffer.push([id, chunk]);
      else if (id === null || id > e.replayed) writer.queue(e, chunk);
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
  async function pump(committed?: StoredEvent[]): Promise<void> {
    // Nobody listens here: nothing to read (subscribe() catches up when someone comes).
    if (!count) return;
    if (pumping) { again = true; return; }
    pumping = true;
    try {
      // Known and held, nothing is awaited before delivery: the frames go out before the committing request answers.
      let after = typeof lastSeen === 'number' ? lastSeen : await seen();
      do {
        again = false;
        // Events this process just committed, right after the last delivered (ids drawn and committed in
        // order: nothing else can be between): delivered as they are, not read back.
        const rows = committed?.length && committed.every((r, i) => r.id === after + 1 + i) ? committed : await eventsAfter(db, after, BATCH);
        committed = undefined;
        if (!rows.length) break;
        roster.forgetChanged(rows);
        const roomIds = rows.map((r) => r.roomId);
        const members = roster.held(roomIds) ?? await roster.of(roomIds);
        // No await from here to the end of the loop body: a stream that subscribes meanwhile sees all or nothing of it.
        for (const r of rows) {
          const chunk = Buffer.from(frame(r.id, r.type, r.data));
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

  let changes = new Map<number, PresenceChange>();
  let presenceTimer: NodeJS.Timeout | undefined;
  function deliverPresence(change: PresenceChange) {
    if (!count) return;
    changes.set(change.userId, change);
    presenceTimer ??= setTimeout(() => void tellPresence(), PRESENCE_BATCH_MS);
  }

  /**
   * Tells the streams here of the changes gathered (ephemeral, like typing):
   * each change to those who share a room with its user (not to that user),
   * once however many rooms they share, in one write per stream.
   */
  async function tellPresence() {
    presenceTimer = undefined;
    const batch = changes;
    changes = new Map();
    if (!count) return;
    try {
      const roomsOf = await roomsOfUsers(db, [...batch.keys()]);
      const rooms = await roster.of([...roomsOf.values()].flat());
      for (const [u, chunk] of presenceChunks(batch, roomsOf, rooms, byUser)) deliver(u, null, chunk);
    } catch (err) {
      warn('presence', err);
    }
  }

  async function deliverTyping(roomId: number, userId: number, chunk: Buffer) {
    if (!count) return;
    try {
      const members = (await roster.of([roomId])).get(roomId)!;
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
      for (const entries of byUser.values()) for (const e of entries) if (!e.buffer) writer.queue(e, KEEP_ALIVE);
    }, keepAliveMs));
  }

  function stopTimers() {
    for (const t of timers) clearInterval(t);
    timers = [];
    // Nobody listens: the outbox is not followed any more, so the members held would not be kept up to date.
    roster.clear();
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
    wake(committed) {
      redis?.publishWake();
      void pump(committed);
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
      const entry: Entry = { sub, buffer: lastId !== undefined ? [] : null, replayed: 0, pending: null };
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
      const text = frame(null, 'typing', JSON.stringify({ roomId, userId: user.id, name: user.name }));
      await deliverTyping(roomId, user.id, Buffer.from(text));
      redis?.publishTyping(roomId, user.id, text);
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
      clearTimeout(presenceTimer);
      stopTimers();
      for (const entries of [...byUser.values()]) for (const e of [...entries]) e.sub.close();
      byUser.clear();
      count = 0;
      await presence.close();
      redis?.close();
    },
  };
}
