import { and, asc, eq, gt, inArray, isNotNull, lt, max, or, sql } from 'drizzle-orm';
import type { Db } from '../storage';

/** The events of the feed that are stored and replayed (typing is not). */
export type StoredEventType =
  | 'message.created' | 'message.updated' | 'message.deleted'
  | 'room.created' | 'room.updated' | 'room.deleted'
  | 'member.added' | 'member.removed' | 'read'
  | 'reaction.added' | 'reaction.removed';

const recorded = new WeakMap<Db, StoredEvent[]>();

/** The events recorded in this transaction, if any (the hub is handed them after its commit). */
export const recordedIn = (tx: Db) => recorded.get(tx);

/** An event to record: the room it belongs to, and who else must get it though not a member. */
export interface NewEvent {
  roomId: number;
  type: StoredEventType;
  data: unknown;
  audience?: number[];
  /**
   * The message a message.* or reaction.* event is about: editing or deleting
   * it rewrites its message.* events, deleting it drops its reaction.* events.
   */
  messageId?: number;
}

/** A stored event as the hub reads it back. */
export interface StoredEvent {
  id: number;
  roomId: number;
  type: string;
  data: string;
  audience: string | null;
  /** When it was recorded, in its change's transaction (the delivery latency is measured from it). */
  createdAt?: Date;
}

/**
 * Records events in the caller's transaction, so they exist exactly when the
 * change does. On MySQL the first insert locks the one `chat_event_seq` row
 * until commit (INSERT … SELECT … FOR UPDATE: the lock is taken before the id
 * is drawn): event ids are then committed in increasing order, and a reader
 * that has seen id N can never miss an N-1 committed later. (SQLite writes are
 * already serialised.) Call it last in the transaction, to hold that lock briefly.
 */
export async function recordEvents(tx: Db, list: NewEvent[]): Promise<number[]> {
  if (!list.length) return [];
  const { events, eventSeq } = tx.t;
  const createdAt = new Date();
  const rows = list.map((e) => ({
    roomId: e.roomId,
    type: e.type,
    // JSON.stringify escapes every newline, so the data is one line and no content can forge an event.
    data: JSON.stringify(e.data),
    audience: e.audience?.length ? e.audience.join(',') : null,
    messageId: e.messageId ?? null,
    createdAt,
  }));
  const ids = await tx.insertAllLocked(events, rows, { table: eventSeq, id: 1 });
  if (ids === null) throw new Error('chat_event_seq has no row 1: apply the migrations (npm run db:migrate)');
  const kept = recorded.get(tx) ?? [];
  recorded.set(tx, kept);
  rows.forEach((r, i) => kept.push({ id: ids[i], roomId: r.roomId, type: r.type, data: r.data, audience: r.audience, createdAt }));
  return ids;
}

/**
 * Rewrites the recorded events of messages with their data now (an edited
 * text, a deleted message's emptiness), so that no replay carries what a
 * live reader can no longer see. `views` maps message ids to their data.
 */
export async function rewriteMessageEvents(tx: Db, views: Map<number, unknown>): Promise<void> {
  const { events } = tx.t;
  for (const [messageId, view] of views) {
    await tx.orm.update(events).set({ data: JSON.stringify(view) })
      .where(and(eq(events.messageId, messageId), inArray(events.type, MESSAGE_EVENTS)));
  }
}

const MESSAGE_EVENTS = ['message.created', 'message.updated', 'message.deleted'];

/** Drops the recorded reaction.* events of a deleted message: no replay tells who reacted to what is gone. */
export async function dropReactionEvents(tx: Db, messageId: number): Promise<void> {
  const { events } = tx.t;
  await tx.orm.delete(events).where(and(eq(events.messageId, messageId), inArray(events.type, ['reaction.added', 'reaction.removed'])));
}

/** Which of these messages have events still kept (a reply's quote is only rewritten where it can be replayed). */
export async function messagesWithEvents(db: Db, messageIds: number[]): Promise<number[]> {
  if (!messageIds.length) return [];
  const { events } = db.t;
  const rows = await db.orm.selectDistinct({ id: events.messageId }).from(events).where(inArray(events.messageId, messageIds));
  return rows.map((r) => r.id!);
}

const columns = (db: Db) => {
  const { events } = db.t;
  return { id: events.id, roomId: events.roomId, type: events.type, data: events.data, audience: events.audience, createdAt: events.createdAt };
};

/** Events after an id, oldest first, at most `limit`. */
export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<StoredEvent[]> {
  const { events } = db.t;
  return db.orm.select(columns(db)).from(events).where(gt(events.id, afterId)).orderBy(asc(events.id)).limit(limit);
}

/**
 * Events after an id that concern a user now, oldest first: those of the rooms
 * they are a member of at the time of the query, from the event that made
 * them one (what came before is history, read through REST), and those naming
 * them in their audience (checked by the caller with `inAudience`, as they are
 * few). `mine` is 1 for the former.
 */
export async function eventsForUser(db: Db, userId: number, afterId: number, limit: number) {
  const { events, members } = db.t;
  const mine = sql`EXISTS (SELECT 1 FROM ${members} WHERE ${members.roomId} = ${events.roomId} AND ${members.userId} = ${userId}
    AND ${events.id} >= COALESCE(${members.joinedEventId}, 0))`;
  return db.orm.select({ ...columns(db), mine: sql<number>`CASE WHEN ${mine} THEN 1 ELSE 0 END` }).from(events)
    .where(and(gt(events.id, afterId), or(mine, isNotNull(events.audience))))
    .orderBy(asc(events.id)).limit(limit);
}

/** The highest event id in the outbox (null when empty), as a column of another statement, read from its snapshot. */
export const newestEventSql = (db: Db) => sql<number | null>`(SELECT MAX(${db.t.events.id}) FROM ${db.t.events})`;

/**
 * In one query: `newest`, the highest event id ever given (the table's, or the
 * retention mark once every row is pruned), and `pruned`, the highest deleted
 * by retention (a resume from before it has lost events).
 */
export async function eventBounds(db: Db): Promise<{ newest: number; pruned: number }> {
  const { eventSeq } = db.t;
  const [row] = await db.orm.select({ pruned: eventSeq.prunedThrough, top: newestEventSql(db) })
    .from(eventSeq).where(eq(eventSeq.id, 1));
  const pruned = Number(row?.pruned ?? 0);
  return { newest: Math.max(Number(row?.top ?? 0), pruned), pruned };
}

/** The highest event id ever given: where a feed opened now starts. */
export const lastEventId = async (db: Db) => (await eventBounds(db)).newest;

/** Deletes the events older than the cutoff and moves the retention mark past them. */
export async function pruneEvents(db: Db, olderThan: Date): Promise<number> {
  const { events, eventSeq } = db.t;
  return db.transaction(async (tx) => {
    const [row] = await tx.orm.select({ id: max(events.id) }).from(events).where(lt(events.createdAt, olderThan));
    const last = Number(row?.id ?? 0);
    if (!last) return 0;
    const result = await tx.orm.delete(events).where(sql`${events.id} <= ${last}`);
    await tx.orm.update(eventSeq).set({ prunedThrough: last })
      .where(and(eq(eventSeq.id, 1), lt(eventSeq.prunedThrough, last)));
    return tx.affected(result);
  });
}

/**
 * Room id → its current members, each with the first event id they may
 * receive (events before they joined are not theirs), for the rooms of a
 * batch of events.
 */
export async function membersOf(db: Db, roomIds: number[]): Promise<Map<number, Map<number, number>>> {
  const byRoom = new Map<number, Map<number, number>>(roomIds.map((id) => [id, new Map()]));
  if (!roomIds.length) return byRoom;
  const { members } = db.t;
  const rows = await db.orm.select({ roomId: members.roomId, userId: members.userId, from: members.joinedEventId }).from(members)
    .where(inArray(members.roomId, roomIds));
  for (const r of rows) byRoom.get(r.roomId)?.set(r.userId, r.from ?? 0);
  return byRoom;
}

/** Marks users as members of a room from this event on (the event recorded with their joining). */
export async function markJoined(tx: Db, roomId: number, userIds: number[] | 'all', eventId: number): Promise<void> {
  const { members } = tx.t;
  await tx.orm.update(members).set({ joinedEventId: eventId })
    .where(and(eq(members.roomId, roomId), userIds === 'all' ? undefined : inArray(members.userId, userIds)));
}

/** Whether the user is named in an event's audience column. */
export const inAudience = (audience: string | null, userId: number) =>
  audience !== null && audience.split(',').includes(String(userId));

/** The SSE frame of an event, built once and written to every subscriber. */
export const frame = (id: number | null, type: string, data: string) =>
  `${id !== null ? `id: ${id}\n` : ''}event: ${type}\ndata: ${data}\n\n`;

/**
 * The same storage port, tied to the event hub: each commit that recorded
 * events wakes it, so they leave at once, and who is online is its answer.
 */
export function withHub(db: Db, hub: { wake(committed?: StoredEvent[]): void; online(ids: number[]): Promise<Set<number>> }): Db {
  const online = (ids: number[]) => hub.online(ids);
  return {
    ...db,
    online,
    async transaction(fn) {
      let events: StoredEvent[] | undefined;
      const result = await db.transaction(async (tx) => {
        const attached: Db = { ...tx, online };
        const r = await fn(attached);
        events = recordedIn(attached);
        return r;
      });
      if (events) hub.wake(events);
      return result;
    },
  };
}
