import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { recordEvents } from '../events/outbox';
import type { Db } from '../storage';
import type { HostUser } from '../storage/users';
import { toViews } from './message-views';
import { now, type MessageView, type SystemEvent } from './views';

/**
 * Writes a system message ("Sophie a ajouté Julien") in the transaction of
 * the change it reports, under the room's lock like any message, so it sits
 * in the timeline where the change happened and is the same after a reload.
 * The actor has read it; it counts as unread for nobody. Resolves null when
 * the room is gone.
 */
export async function recordSystemMessage(
  tx: Db, roomId: number, actor: HostUser, system: Omit<SystemEvent, 'actorId'>,
): Promise<MessageView | null> {
  const view = await insertSystemMessage(tx, roomId, actor, system);
  if (!view) return null;
  const { members } = tx.t;
  await tx.orm.update(members).set({ lastReadMessageId: view.id, lastReadAt: new Date(view.createdAt) }).where(and(
    eq(members.roomId, roomId), eq(members.userId, actor.id),
    or(isNull(members.lastReadMessageId), lt(members.lastReadMessageId, view.id)),
  ));
  await recordEvents(tx, [{ roomId, type: 'message.created', data: view, messageId: view.id }]);
  return view;
}

/**
 * The system message alone: inserted (its insert takes the room's lock) and
 * made the room's last message. The caller marks it read by the actor and
 * records its message.created; resolves null when the room is gone.
 */
export async function insertSystemMessage(
  tx: Db, roomId: number, actor: HostUser, system: Omit<SystemEvent, 'actorId'>,
): Promise<MessageView | null> {
  const { messages, rooms } = tx.t;
  const at = now();
  const data: SystemEvent = { actorId: actor.id, ...system };
  const values = {
    roomId, senderId: actor.id, content: '', type: 'system' as const, replyToId: null, clientId: null, createdAt: at,
    systemData: JSON.stringify(data),
  };
  const id = await tx.insertLocked(messages, values, { table: rooms, id: roomId });
  if (id === null) return null;
  await tx.orm.update(rooms).set({ lastMessageId: id, updatedAt: at }).where(eq(rooms.id, roomId));
  const [view] = await toViews(tx, [{ ...values, id, isEdited: false, editedAt: null, isDeleted: false, deletedAt: null }], [actor]);
  return view;
}
