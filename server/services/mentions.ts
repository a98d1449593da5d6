import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../storage';
import { canModerate, memberOf } from './access';

/** `<@42>` mentions user 42, `<@all>` everyone in the room (docs/api.md, Mentions). */
const MENTION = /<@(all|[1-9][0-9]{0,15})>/g;
/** A message names at most this many people one by one (past it, the rest stays text). */
export const MENTIONS_MAX = 50;

/** The ids `<@ID>` names in a text (at most MENTIONS_MAX, in order), and whether it says `<@all>`. */
export function parseMentions(content: string): { ids: number[]; all: boolean } {
  const ids = new Set<number>();
  let all = false;
  for (const [, who] of content.matchAll(MENTION)) {
    if (who === 'all') all = true;
    else if (ids.size < MENTIONS_MAX) ids.add(Number(who));
  }
  return { ids: [...ids], all };
}

/**
 * A text as a member reads it (as widget/mention-text.ts shows it): the
 * mentions that took effect (`mentioned`, the message's stored ids; null when
 * unknown, as in a quoted excerpt: then every one) as `@Name`, `<@all>` as
 * `@everyone` in the reader's words; any other `<@…>` as it was typed.
 */
export function mentionsAsNames(content: string, mentioned: number[] | null, name: (id: number) => string, everyone: string): string {
  return content.replace(MENTION, (typed, who: string) => {
    if (who === 'all') return !mentioned || mentioned.some((id) => !content.includes(`<@${id}>`)) ? `@${everyone}` : typed;
    return !mentioned || mentioned.includes(Number(who)) ? `@${name(Number(who))}` : typed;
  });
}

/**
 * In a send's or an edit's transaction, after the sender's membership was
 * proven: stores whom the message mentions, members of its room only;
 * `<@all>` names every member, from a room admin or moderator (from anyone
 * else it is text). An edit replaces what the earlier text mentioned.
 * Resolves the ids mentioned, ascending; a text without `<@` costs no query.
 */
export async function saveMentions(tx: Db, message: { id: number; roomId: number; senderId: number; content: string }, edit = false): Promise<number[]> {
  const { mentions, members } = tx.t;
  if (edit) await tx.orm.delete(mentions).where(eq(mentions.messageId, message.id));
  const { ids, all } = parseMentions(message.content);
  if (!ids.length && !all) return [];
  const everyone = all && canModerate((await memberOf(tx, message.roomId, message.senderId)) ?? { role: 'member' });
  const named = and(eq(members.roomId, message.roomId), everyone ? undefined : inArray(members.userId, ids));
  if (everyone) {
    // One statement however large the room: a channel's <@all> is an INSERT … SELECT of its members
    // (its fields in the order the table declares its columns).
    await tx.orm.insert(mentions).select(tx.orm.select({ messageId: sql<number>`${message.id}`.as('message_id'), userId: members.userId, roomId: members.roomId })
      .from(members).where(named));
  }
  const who = (await tx.orm.select({ userId: members.userId }).from(members).where(named)).map((r) => r.userId).sort((a, b) => a - b);
  if (!everyone && who.length) await tx.orm.insert(mentions).values(who.map((userId) => ({ messageId: message.id, userId, roomId: message.roomId })));
  return who;
}

/** Whom each of these messages mentions, by message id (ids ascending). */
export async function mentionsOf(db: Db, messageIds: number[]): Promise<Map<number, number[]>> {
  const byMessage = new Map<number, number[]>();
  if (!messageIds.length) return byMessage;
  const { mentions } = db.t;
  const rows = await db.orm.select({ messageId: mentions.messageId, userId: mentions.userId }).from(mentions)
    .where(inArray(mentions.messageId, messageIds)).orderBy(mentions.messageId, mentions.userId);
  for (const r of rows) byMessage.get(r.messageId)?.push(r.userId) ?? byMessage.set(r.messageId, [r.userId]);
  return byMessage;
}

/** Per room, the messages mentioning the user after their read marker: `Room.mentionCount`. */
export async function mentionCounts(db: Db, userId: number, roomIds: number[]): Promise<Map<number, number>> {
  if (!roomIds.length) return new Map();
  const { mentions, members } = db.t;
  const rows = await db.orm.select({ roomId: mentions.roomId, n: sql<number>`COUNT(*)` }).from(mentions)
    .innerJoin(members, and(eq(members.roomId, mentions.roomId), eq(members.userId, userId)))
    .where(and(
      eq(mentions.userId, userId),
      inArray(mentions.roomId, roomIds),
      // Own messages are always read (a send moves its sender's marker): a self-mention never counts.
      gt(mentions.messageId, sql`COALESCE(${members.lastReadMessageId}, 0)`),
    ))
    .groupBy(mentions.roomId);
  return new Map(rows.map((r) => [r.roomId, Number(r.n)]));
}
