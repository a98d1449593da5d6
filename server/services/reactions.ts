import { and, asc, eq, inArray } from 'drizzle-orm';
import { dropReactionEvents, recordEvents } from '../events/outbox';
import type { Db } from '../storage';
import { messageById, messageForMember, requirePerm, type Me } from './access';
import { conflict } from './errors';
import type { ReactionStateView, ReactionView } from './views';


/** The reactions of each of these messages, by message id (emoji in the order they first came). */
export async function reactionsOf(db: Db, messageIds: number[]): Promise<Map<number, ReactionView[]>> {
  const byMessage = new Map<number, ReactionView[]>();
  if (!messageIds.length) return byMessage;
  const { reactions } = db.t;
  const rows = await db.orm.select({ messageId: reactions.messageId, emoji: reactions.emoji, userId: reactions.userId }).from(reactions)
    .where(inArray(reactions.messageId, messageIds)).orderBy(asc(reactions.id));
  for (const r of rows) {
    const list = byMessage.get(r.messageId) ?? byMessage.set(r.messageId, []).get(r.messageId)!;
    const same = list.find((x) => x.emoji === r.emoji);
    if (same) same.userIds.push(r.userId);
    else list.push({ emoji: r.emoji, userIds: [r.userId] });
  }
  return byMessage;
}

/** The message for a reaction by a member who may send (404 for anyone else, 403 without chat.create). */
async function reactable(db: Db, me: Me, messageId: number) {
  const { message } = await messageForMember(db, me, messageId);
  requirePerm(me, 'chat.create');
  if (message.type === 'system') throw conflict('A system message takes no reaction.', 'system-message');
  return message;
}

/**
 * Adds the caller's reaction (an emoji checked by the route) to a message of
 * their room; `created` is false when it was already there (nothing is
 * recorded then). The room is locked, as a deletion locks it, so no reaction
 * lands on a message being deleted.
 */
export async function addReaction(db: Db, me: Me, messageId: number, emoji: string): Promise<{ reaction: ReactionStateView; created: boolean }> {
  const { roomId } = await reactable(db, me, messageId);
  return db.transaction(async (tx) => {
    await tx.lockRoom(roomId);
    const { reactions } = tx.t;
    if ((await messageById(tx, messageId))?.isDeleted !== false) throw conflict('A deleted message takes no reaction.', 'message-deleted');
    const mine = and(eq(reactions.messageId, messageId), eq(reactions.userId, me.id), eq(reactions.emoji, emoji));
    const [had] = await tx.orm.select({ id: reactions.id }).from(reactions).where(mine);
    if (!had) {
      await tx.insert(reactions, { messageId, userId: me.id, emoji });
      await recordEvents(tx, [{ roomId, type: 'reaction.added', data: { roomId, messageId, emoji, userId: me.id }, messageId }]);
    }
    return { reaction: await reactionNow(tx, roomId, messageId, emoji), created: !had };
  });
}

/** Removes the caller's reaction, if they had it (answered alike either way). */
export async function removeReaction(db: Db, me: Me, messageId: number, emoji: string): Promise<void> {
  const { roomId } = await reactable(db, me, messageId);
  await db.transaction(async (tx) => {
    await tx.lockRoom(roomId);
    const { reactions } = tx.t;
    const gone = await tx.orm.delete(reactions)
      .where(and(eq(reactions.messageId, messageId), eq(reactions.userId, me.id), eq(reactions.emoji, emoji)));
    if (tx.affected(gone)) await recordEvents(tx, [{ roomId, type: 'reaction.removed', data: { roomId, messageId, emoji, userId: me.id }, messageId }]);
  });
}

async function reactionNow(tx: Db, roomId: number, messageId: number, emoji: string): Promise<ReactionStateView> {
  const { reactions } = tx.t;
  const rows = await tx.orm.select({ userId: reactions.userId }).from(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.emoji, emoji))).orderBy(asc(reactions.id));
  return { roomId, messageId, emoji, userIds: rows.map((r) => r.userId) };
}

/**
 * In a deletion's transaction: the message's reactions go, and so do their
 * recorded events, so a replay shows no reaction to a message that is gone.
 */
export async function dropReactions(tx: Db, messageId: number): Promise<void> {
  await tx.orm.delete(tx.t.reactions).where(eq(tx.t.reactions.messageId, messageId));
  await dropReactionEvents(tx, messageId);
}
