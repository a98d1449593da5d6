import { count, eq, inArray, min, sql } from 'drizzle-orm';
import { newestEventSql } from '../events/outbox';
import { perDb, type Db } from '../storage';

/** From this many members, a room's count is kept between answers and moved by its events, not counted each time. */
export const KEPT_FROM = 1000;
/** A kept count is counted again after this long: members removed without an event (a user deleted by the host) leave it by then. */
const RECOUNT_MS = 60_000;
/** Kept counts per database at most (a bound on memory; big rooms are few). */
const MAX_KEPT = 10_000;

/** A big room's member count as of an event id: the events after it say what changed since. */
interface Kept { n: number; asOf: number; countedAt: number }

const keptOf = perDb((): Map<number, Kept> => new Map());

/** A room's member count and the last message all its members have read. */
export interface Tally {
  memberCount: number;
  /** The last message every member has read (null while one of them has read nothing). */
  allReadMessageId: number | null;
}

/**
 * How many members a room has, and the last message all of them have read,
 * in one statement. A small room is counted; a big one (10 000 staff in
 * "Annonces") costs two ends of the (room, read marker) index and the room's
 * few events since its count was last known: every change of a room's members
 * records member.added or member.removed in its transaction, and one
 * statement reads the members and the highest event id from the same
 * snapshot, so the count is exact for what the chat changed, the caller's
 * own join included.
 */
export async function memberTally(db: Db, roomId: number): Promise<Tally> {
  const { members, events } = db.t;
  const kept = keptOf(db).get(roomId);
  const fresh = kept && Date.now() - kept.countedAt <= RECOUNT_MS ? kept : undefined;
  const [row] = await db.orm.select({
    // Counted, or how the room's member events moved the kept count since.
    tallied: fresh
      ? sql<number | null>`(SELECT SUM(CASE ${events.type} WHEN 'member.added' THEN 1 WHEN 'member.removed' THEN -1 ELSE 0 END) FROM ${events} WHERE ${events.roomId} = ${roomId} AND ${events.id} > ${fresh.asOf})`
      : sql<number>`COUNT(*)`,
    low: min(members.lastReadMessageId),
    unread: sql<number>`EXISTS(SELECT 1 FROM ${members} WHERE ${members.roomId} = ${roomId} AND ${members.lastReadMessageId} IS NULL)`,
    head: newestEventSql(db),
  }).from(members).where(eq(members.roomId, roomId));
  const n = (fresh?.n ?? 0) + Number(row?.tallied ?? 0);
  keep(db, roomId, { n, asOf: Number(row?.head ?? 0), countedAt: fresh?.countedAt ?? Date.now() });
  return { memberCount: n, allReadMessageId: n && !Number(row?.unread) && row?.low != null ? Number(row.low) : null };
}

/** Keeps a big room's count unless a newer one is kept already (answers finish in any order). */
function keep(db: Db, roomId: number, next: Kept) {
  const kept = keptOf(db);
  const now = kept.get(roomId);
  if (next.n < KEPT_FROM) { if (!now || now.asOf <= next.asOf) kept.delete(roomId); return; }
  if (now && now.asOf > next.asOf) return;
  if (!now && kept.size >= MAX_KEPT) kept.clear();
  kept.set(roomId, next);
}

/** How many members each of these rooms has: the small ones in one statement, the big ones from their kept counts. */
export async function memberCounts(db: Db, roomIds: number[]): Promise<Map<number, number>> {
  const kept = keptOf(db);
  const big = roomIds.filter((id) => kept.has(id));
  const small = roomIds.filter((id) => !kept.has(id));
  const { members } = db.t;
  const [rows, tallies] = await Promise.all([
    small.length
      ? db.orm.select({ roomId: members.roomId, n: count(), head: newestEventSql(db) })
        .from(members).where(inArray(members.roomId, small)).groupBy(members.roomId)
      : [],
    Promise.all(big.map((id) => memberTally(db, id))),
  ]);
  const countedAt = Date.now();
  for (const r of rows) keep(db, r.roomId, { n: Number(r.n), asOf: Number(r.head ?? 0), countedAt });
  return new Map([...rows.map((r) => [r.roomId, Number(r.n)] as const), ...big.map((id, i) => [id, tallies[i].memberCount] as const)]);
}
