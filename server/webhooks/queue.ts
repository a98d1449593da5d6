import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import { lastEventId } from '../events/outbox';
import { parseMentions } from '../services/mentions';
import type { Db } from '../storage';

/*
 * The webhooks' queue, in the database: events of chat_events become rows of
 * chat_webhook_deliveries behind a cursor, and instances claim due rows with
 * a lease. Nothing lives only in a process, so a restart loses nothing.
 */

/** A delivery claimed by this instance until its lease ends. */
export interface Claimed {
  id: number;
  body: string;
  attempts: number;
  createdAt: Date;
  lease: string;
}

/** Creates the cursor at the newest event when there is none: webhooks start with what is said from now on. */
export async function ensureCursor(db: Db): Promise<void> {
  const { webhookCursor } = db.t;
  const [row] = await db.orm.select().from(webhookCursor).where(eq(webhookCursor.id, 1));
  if (!row) await db.insertIgnore(webhookCursor, [{ id: 1, lastEventId: await lastEventId(db) }]);
}

/**
 * Turns the message.created events after the cursor into deliveries: those
 * in a room where a bot is a member (since before the event), or that
 * mention one, and not sent by a bot (no bot hears itself, nor loops with
 * another). The cursor row stays locked meanwhile, so instances take turns;
 * event ids are committed in increasing order (server/events/outbox.ts), so
 * none is passed over. Resolves how many events were read, and whether a whole batch (more may wait).
 */
export async function queueEvents(db: Db, bots: number[], batch = 500): Promise<{ events: number; more: boolean }> {
  const { webhookCursor, webhookDeliveries, events, members } = db.t;
  return db.transaction(async (tx) => {
    const read = tx.orm.select().from(webhookCursor).where(eq(webhookCursor.id, 1));
    const [cursor] = tx.dialect === 'mysql' ? await read.for('update') : await read;
    if (!cursor) return { events: 0, more: false };
    const rows = await tx.orm.select({ id: events.id, roomId: events.roomId, data: events.data }).from(events)
      .where(and(gt(events.id, cursor.lastEventId), eq(events.type, 'message.created')))
      .orderBy(asc(events.id)).limit(batch);
    if (!rows.length) return { events: 0, more: false };
    const rooms = [...new Set(rows.map((r) => r.roomId))];
    const joined = new Map<string, number>();
    for (const m of await tx.orm.select({ roomId: members.roomId, userId: members.userId, from: members.joinedEventId }).from(members)
      .where(and(inArray(members.roomId, rooms), inArray(members.userId, bots)))) joined.set(`${m.roomId}:${m.userId}`, m.from ?? 0);
    const isBot = new Set(bots);
    const at = new Date();
    const wanted = rows.filter((e) => {
      const m = JSON.parse(e.data) as { senderId: number; content: string; deletedAt: string | null };
      if (isBot.has(m.senderId) || m.deletedAt) return false;
      // Named in the text, even where the bot is no member (the mentions service keeps only members).
      if (parseMentions(m.content).ids.some((id) => isBot.has(id))) return true;
      return bots.some((b) => (joined.get(`${e.roomId}:${b}`) ?? Infinity) <= e.id);
    });
    if (wanted.length) {
      await tx.insertIgnore(webhookDeliveries, wanted.map((e) => ({
        eventId: e.id,
        // The event's data as the feed carries it, unchanged.
        body: `{"id":"${e.id}","type":"message.created","data":${e.data}}`,
        status: 'pending' as const, attempts: 0, nextAttemptAt: at, createdAt: at,
      })));
    }
    await tx.orm.update(webhookCursor).set({ lastEventId: rows[rows.length - 1].id }).where(eq(webhookCursor.id, 1));
    return { events: rows.length, more: rows.length === batch };
  });
}

/** Claims due deliveries for `leaseMs`: another instance will not post them meanwhile (nor after a success). */
export async function claimDue(db: Db, leaseMs: number, limit: number): Promise<Claimed[]> {
  const { webhookDeliveries: d } = db.t;
  const now = new Date();
  const due = await db.orm.select({ id: d.id }).from(d)
    .where(and(eq(d.status, 'pending'), lte(d.nextAttemptAt, now))).orderBy(asc(d.nextAttemptAt), asc(d.id)).limit(limit);
  if (!due.length) return [];
  const lease = randomUUID();
  return db.transaction(async (tx) => {
    await tx.orm.update(d).set({ lease, nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${d.attempts} + 1` })
      .where(and(inArray(d.id, due.map((r) => r.id)), eq(d.status, 'pending'), lte(d.nextAttemptAt, now)));
    const mine = await tx.orm.select({ id: d.id, body: d.body, attempts: d.attempts, createdAt: d.createdAt }).from(d)
      .where(and(eq(d.lease, lease), eq(d.status, 'pending')));
    return mine.map((r) => ({ ...r, lease }));
  });
}

/** Records a delivery's success (under its lease). */
export async function markDelivered(db: Db, c: Claimed): Promise<void> {
  const { webhookDeliveries: d } = db.t;
  await db.orm.update(d).set({ status: 'delivered', deliveredAt: new Date(), lease: null, lastError: null })
    .where(and(eq(d.id, c.id), eq(d.lease, c.lease)));
}

/** Records a failed attempt: the next one at `retryAt`, or none (failed for good) when null. */
export async function markFailed(db: Db, c: Claimed, error: string, retryAt: Date | null): Promise<void> {
  const { webhookDeliveries: d } = db.t;
  await db.orm.update(d).set({
    status: retryAt ? 'pending' : 'failed', nextAttemptAt: retryAt ?? new Date(), lease: null, lastError: error.slice(0, 300),
  }).where(and(eq(d.id, c.id), eq(d.lease, c.lease)));
}

/** Deletes the finished deliveries (delivered or failed) created before the cutoff. */
export async function pruneDeliveries(db: Db, olderThan: Date): Promise<number> {
  const { webhookDeliveries: d } = db.t;
  return db.affected(await db.orm.delete(d).where(and(ne(d.status, 'pending'), lt(d.createdAt, olderThan))));
}

/** The deliveries still to make (due or waiting for a retry). */
export async function pendingCount(db: Db): Promise<number> {
  const { webhookDeliveries: d } = db.t;
  const [row] = await db.orm.select({ n: sql<number>`COUNT(*)` }).from(d).where(eq(d.status, 'pending'));
  return Number(row?.n ?? 0);
}
