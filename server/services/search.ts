import { and, desc, eq, lt, ne } from 'drizzle-orm';
import type { Db } from '../storage';
import { requireMember, requirePerm, type Me } from './access';
import { badRequest } from './errors';
import { toViews } from './message-views';

/** Results of a search given at a time, by default and at most. */
export const SEARCH_DEFAULT = 20;
export const SEARCH_MAX = 50;

/**
 * Messages of the caller's rooms (or one of them) containing every word of q,
 * newest first, `limit` at a time: the next page is before the last one's id.
 */
export async function searchMessages(db: Db, me: Me, q: string, opts: { roomId?: number; before?: number; limit?: number } = {}) {
  const { roomId, before, limit = SEARCH_DEFAULT } = opts;
  const all = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  // Words of 3+ letters, the shortest a MySQL/MariaDB full-text index keeps; shorter ones
  // ("de", "la") count only in a query that has nothing longer ("PO", "42").
  const long = all.filter((w) => [...w].length >= 3);
  const words = (long.length ? long : all).slice(0, 8);
  if (!words.length) throw badRequest('q must contain a letter or a digit.', { reason: 'no-words', field: 'q' });
  if (roomId !== undefined) await requireMember(db, me, roomId);
  else requirePerm(me, 'chat.read');
  const { messages, members } = db.t;
  const rows = await db.orm.select({ m: messages }).from(messages)
    .innerJoin(members, and(eq(members.roomId, messages.roomId), eq(members.userId, me.id)))
    .where(and(
      db.matchContent(words),
      eq(messages.isDeleted, false),
      ne(messages.type, 'system'),
      roomId !== undefined ? eq(messages.roomId, roomId) : undefined,
      before !== undefined ? lt(messages.id, before) : undefined,
    ))
    .orderBy(desc(messages.id))
    .limit(limit);
  return toViews(db, rows.map((r) => r.m));
}
