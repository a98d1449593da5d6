import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { recordEvents } from '../events/outbox';
import type { Db } from '../storage';
import { messageById, requireMember, type Me } from './access';
import { badRequest } from './errors';
import { iso, now } from './views';

/** Moves the caller's read marker forward to messageId (never back), with one write. */
export async function markRead(db: Db, me: Me, roomId: number, messageId: number) {
  await requireMember(db, me, roomId);
  const target = await messageById(db, messageId);
  if (!target || target.roomId !== roomId) throw badRequest('messageId is not a message of this room.', { reason: 'not-in-room', field: 'messageId' });
  const { members, messageReads } = db.t;
  const at = now();
  const moved = await db.transaction(async (tx) => {
    const result = await tx.orm.update(members).set({ lastReadMessageId: messageId, lastReadAt: at })
      .where(and(
        eq(members.roomId, roomId), eq(members.userId, me.id),
        or(isNull(members.lastReadMessageId), lt(members.lastReadMessageId, messageId)),
      ));
    if (!tx.affected(result)) return false;
    await tx.insertIgnore(messageReads, [{ messageId, userId: me.id, readAt: at }]);
    await recordEvents(tx, [{ roomId, type: 'read', data: { roomId, userId: me.id, messageId, readAt: iso(at) } }]);
    return true;
  });
  if (moved) return { roomId, userId: me.id, messageId, readAt: iso(at) };
  // The marker was already there or further: answer where it is.
  const { member } = await requireMember(db, me, roomId);
  return { roomId, userId: me.id, messageId: member.lastReadMessageId ?? messageId, readAt: iso(member.lastReadAt) };
}

