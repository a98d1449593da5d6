import { inArray } from 'drizzle-orm';
import type { Db } from '../storage';
import { frame, membersOf } from './outbox';
import type { PresenceChange } from './presence';
import type { Entry } from './subscriber';

/**
 * Frames queued per stream and written once the delivery under way is done
 * (a microtask): a stream that several events (or presence changes) of one
 * delivery reach gets one write, a frame reaching thousands of streams is the
 * same Buffer for each of them, encoded once, and the writes go out before
 * the request that committed the events goes on to build its own answer.
 */
export function createWriter() {
  let dirty: Entry[] = [];
  const flush = () => {
    const list = dirty;
    dirty = [];
    for (const e of list) {
      const chunks = e.pending!;
      e.pending = null;
      e.sub.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    }
  };
  return {
    /** Queues a frame for a stream; it is written with the others of the delivery under way. */
    queue(e: Entry, chunk: Buffer) {
      if (e.pending) e.pending.push(chunk);
      else {
        e.pending = [chunk];
        if (dirty.push(e) === 1) queueMicrotask(flush);
      }
    },
  };
}

/** Room id → its members, each with the first event id they may receive. */
export type Roster = Map<number, Map<number, number>>;

/** Above this many members held, the cache starts over (a bound on its memory). */
const MAX_CACHED_MEMBERS = 500_000;

/**
 * The members of the rooms events are delivered in, kept between batches.
 * Every change of a room's members records an event of that room
 * (room.created, member.added, member.removed, room.deleted) in the same
 * transaction, and the hub reads events in id order: it forgets a room when
 * it reads such an event, before delivering anything of that batch, so what
 * it holds is never older than the events it delivers. It must be cleared
 * whenever the hub stops following the outbox.
 */
export function createRosterCache(db: Db) {
  const rooms: Roster = new Map();
  let held = 0;
  // Bumped by every forget: a read that started before one may be older than it, and is not kept.
  let generation = 0;
  const forget = (roomId: number) => {
    generation++;
    const m = rooms.get(roomId);
    if (m) { held -= m.size; rooms.delete(roomId); }
  };
  return {
    forget,
    /** Forgets the rooms whose members these events may have changed. */
    forgetChanged(events: { roomId: number; type: string }[]) {
      for (const e of events) if (e.type.startsWith('member.') || e.type.startsWith('room.')) forget(e.roomId);
    },
    clear() { generation++; rooms.clear(); held = 0; },
    /** The members of these rooms when all are held, without waiting; null when one must be read. */
    held(roomIds: Iterable<number>): Roster | null {
      const found: Roster = new Map();
      for (const id of roomIds) {
        const m = rooms.get(id);
        if (!m) return null;
        found.set(id, m);
      }
      return found;
    },
    /** The members of these rooms, reading only those not held (one query). */
    async of(roomIds: Iterable<number>): Promise<Roster> {
      const wanted = [...new Set(roomIds)];
      const found: Roster = new Map();
      const missing: number[] = [];
      // What is held now is taken now: a forget during the read below does not empty it.
      for (const id of wanted) {
        const m = rooms.get(id);
        if (m) found.set(id, m);
        else missing.push(id);
      }
      if (missing.length) {
        const started = generation;
        const read = await membersOf(db, missing);
        const keep = started === generation;
        if (keep && held > MAX_CACHED_MEMBERS) { rooms.clear(); held = 0; }
        for (const [id, m] of read) {
          found.set(id, m);
          if (keep && !rooms.has(id)) { rooms.set(id, m); held += m.size; }
        }
      }
      return found;
    },
  };
}

/** The rooms each of these users is a member of (one query). */
export async function roomsOfUsers(db: Db, userIds: number[]): Promise<Map<number, number[]>> {
  const { members } = db.t;
  const byUser = new Map<number, number[]>();
  if (!userIds.length) return byUser;
  const rows = await db.orm.select({ roomId: members.roomId, userId: members.userId }).from(members)
    .where(inArray(members.userId, userIds));
  for (const r of rows) byUser.get(r.userId)?.push(r.roomId) ?? byUser.set(r.userId, [r.roomId]);
  return byUser;
}

/**
 * Presence is told to the members of rooms up to this size. Past it, every
 * arrival would be written to every member (10 000 feeds opening at once, after
 * a restart, would be 50 million frames): a large channel's members read
 * `online` when they fetch members, and hear live of those they share a
 * smaller room with.
 */
export const PRESENCE_MAX_ROOM = 1000;

/**
 * What each user with a stream here hears of a batch of presence changes:
 * the changes of those who share a room with them (not their own), once
 * however many rooms they share, as one chunk. Most hear exactly one room's
 * changes: that room's chunk is joined once for all of them.
 */
export function presenceChunks(
  batch: Map<number, PresenceChange>, roomsOf: Map<number, number[]>, rooms: Roster, streams: Map<number, unknown>,
): Map<number, Buffer> {
  const frames = new Map<number, Buffer>();
  for (const c of batch.values()) frames.set(c.userId, Buffer.from(frame(null, 'presence', JSON.stringify(c))));
  const changedIn = new Map<number, number[]>();
  for (const [u, list] of roomsOf) for (const r of list) changedIn.get(r)?.push(u) ?? changedIn.set(r, [u]);
  // A listener's one room, or the set of changes they hear from several.
  const heard = new Map<number, number | Set<number>>();
  for (const [r, who] of changedIn) {
    const room = rooms.get(r);
    if (!room || room.size > PRESENCE_MAX_ROOM) continue;
    const hear = (u: number) => {
      const before = heard.get(u);
      if (before === undefined) heard.set(u, r);
      else if (before !== r) {
        const set = typeof before === 'number' ? new Set(changedIn.get(before)) : before;
        for (const c of who) set.add(c);
        heard.set(u, set);
      }
    };
    // Walk the smaller side: a large channel's members, or the few users with a stream here.
    if (room.size <= streams.size) { for (const u of room.keys()) if (streams.has(u)) hear(u); }
    else for (const u of streams.keys()) if (room.has(u)) hear(u);
  }
  const joined = new Map<number, Buffer>();
  const out = new Map<number, Buffer>();
  for (const [u, got] of heard) {
    if (typeof got === 'number' && !batch.has(u)) {
      let chunk = joined.get(got);
      if (!chunk) joined.set(got, (chunk = Buffer.concat(changedIn.get(got)!.map((c) => frames.get(c)!))));
      out.set(u, chunk);
    } else {
      const set = typeof got === 'number' ? new Set(changedIn.get(got)) : got;
      set.delete(u);
      if (set.size) out.set(u, Buffer.concat([...set].map((c) => frames.get(c)!)));
    }
  }
  return out;
}
