import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../storage';
import type { HostUser } from '../storage/users';
import { permissions, type Me } from './access';
import { badRequest, ChatError, notFound } from './errors';
import { toViews } from './message-views';
import { byClientId, sendMessage } from './messages';
import { directKey } from './room-views';
import { createRoom, openDirect, recordMembersAdded } from './rooms';
import { recordSystemMessage } from './system';
import { now, type MessageView, type RoomContext } from './views';

/** Where a host call posts: a user's direct room with the sender, a room of the sender, or a host record's room. */
export type HostTarget =
  | { userId: number }
  | { roomId: number }
  | { context: RoomContext; memberIds: number[] };

export interface HostMessageInput {
  senderId: number;
  to: HostTarget;
  content: string;
  idempotencyKey: string;
}

/**
 * Posts a message as a service account of the host's users table (a host
 * call, README "The host writes into the chat"). The idempotency key is the
 * message's clientId: the same key again answers the first message, whatever
 * it asks, and changes nothing. Everything that can be refused is checked
 * before a room is created or a member added.
 */
export async function postAsHost(db: Db, input: HostMessageInput, tokenExp: number): Promise<{ message: MessageView; created: boolean }> {
  const sender = await db.users.findActive(input.senderId);
  if (!sender) throw badRequest('senderId is not an active user of the application.', { reason: 'unknown-sender', field: 'senderId' });
  const first = await byClientId(db, sender.id, input.idempotencyKey);
  if (first) return { message: (await toViews(db, [first], [sender]))[0], created: false };
  // The service account acts with every permission: the host app is its ceiling.
  const me: Me = { ...sender, perms: new Set(permissions), exp: tokenExp };
  const roomId = await targetRoom(db, me, input.to);
  try {
    return await sendMessage(db, me, roomId, { content: input.content, clientId: input.idempotencyKey });
  } catch (err) {
    // The same key sent twice at once, to two rooms: the loser answers the winner's message.
    const raced = err instanceof ChatError && err.code === 'conflict' ? await byClientId(db, sender.id, input.idempotencyKey) : undefined;
    if (!raced) throw err;
    return { message: (await toViews(db, [raced], [sender]))[0], created: false };
  }
}

async function targetRoom(db: Db, me: Me, to: HostTarget): Promise<number> {
  if ('roomId' in to) return to.roomId;
  if ('userId' in to) {
    if (to.userId === me.id) throw badRequest('to.userId is the sender: a direct conversation needs another user.', { reason: 'self', field: 'to.userId' });
    const { rooms } = db.t;
    // A direct room keeps both its members for good (leaving one only hides it): found, it is the one.
    const [existing] = await db.orm.select({ id: rooms.id }).from(rooms).where(eq(rooms.directKey, directKey(me.id, to.userId)));
    return existing?.id ?? (await openDirect(db, me, to.userId)).room.id;
  }
  return contextRoom(db, me, to.context, to.memberIds);
}

/** The record's room with the sender and these users in it: created, or completed with the missing members. */
async function contextRoom(db: Db, me: Me, context: RoomContext, memberIds: number[]): Promise<number> {
  const wanted = [...new Set([me.id, ...memberIds])];
  for (let attempt = 0; ; attempt++) {
    const { roomId, missing } = await recordRoom(db, context, wanted);
    if (roomId !== undefined) {
      // Those already in the room are not asked about again: an alert costs no lookup of its members.
      if (missing.length) {
        await requireActive(db, missing.filter((id) => id !== me.id));
        await addMissing(db, me, roomId, wanted);
      }
      return roomId;
    }
    try {
      // createRoom refuses inactive members before it writes anything.
      return (await createRoom(db, me, { type: 'group', name: context.label, memberIds: wanted.filter((id) => id !== me.id), context })).id;
    } catch (err) {
      // Another call created the record's room meanwhile: its room gets the members instead.
      if (attempt || !db.isUniqueViolation(err)) throw err;
    }
  }
}

async function requireActive(db: Db, ids: number[]): Promise<void> {
  const active = await db.users.activeIds(ids);
  const inactive = ids.filter((id) => !active.has(id));
  if (inactive.length) throw badRequest(`These memberIds are not active users: ${inactive.join(', ')}.`, { reason: 'unknown-user', field: 'memberIds' });
}

/** The record's room, if any, and which of these users are not in it: one query. */
async function recordRoom(db: Db, context: RoomContext, wanted: number[]): Promise<{ roomId?: number; missing: number[] }> {
  const { roomContexts, members } = db.t;
  const rows = await db.orm.select({ roomId: roomContexts.roomId, userId: members.userId }).from(roomContexts)
    .leftJoin(members, and(eq(members.roomId, roomContexts.roomId), inArray(members.userId, wanted)))
    .where(and(eq(roomContexts.contextType, context.type), eq(roomContexts.contextId, context.id)));
  if (!rows.length) return { missing: wanted };
  const inside = new Set(rows.map((r) => r.userId));
  return { roomId: rows[0].roomId, missing: wanted.filter((id) => !inside.has(id)) };
}

async function addMissing(db: Db, actor: HostUser, roomId: number, wanted: number[]): Promise<void> {
  const { members } = db.t;
  await db.transaction(async (tx) => {
    // The room's lock first, as every writer of its messages takes it; who is missing is read again under it.
    if (!(await tx.lockRoom(roomId))) throw notFound('room');
    const inside = new Set((await tx.orm.select({ userId: members.userId }).from(members)
      .where(and(eq(members.roomId, roomId), inArray(members.userId, wanted)))).map((r) => r.userId));
    const missing = wanted.filter((id) => !inside.has(id));
    if (!missing.length) return;
    const at = now();
    await tx.insertIgnore(members, missing.map((userId) => ({ roomId, userId, role: 'member' as const, joinedAt: at })));
    await recordMembersAdded(tx, roomId, missing);
    for (const userId of missing) await recordSystemMessage(tx, roomId, actor, { action: 'member.added', userId });
  });
}
