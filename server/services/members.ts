import { and, asc, eq, ne } from 'drizzle-orm';
import { conflict, forbidden, notFound } from './errors';
import type { MemberPageView, MemberView } from './views';
import type { Db, MemberRole } from '../storage';
import { recordEvents } from '../events/outbox';
import { memberOf, requireManager, requireMember, type Me } from './access';
import { membersPage } from './room-views';
import { recordMembersAdded, recordRoomEvent } from './rooms';
import { recordSystemMessage } from './system';
import { nameOf, presenceOf } from './users';
import { memberView, now } from './views';

async function adminCount(db: Db, roomId: number): Promise<number> {
  const { members } = db.t;
  const rows = await db.orm.select({ id: members.id }).from(members).where(and(eq(members.roomId, roomId), eq(members.role, 'admin')));
  return rows.length;
}

/** How many users a name search looks at before keeping the room's members among them. */
const SEARCHED = 500;

/**
 * A page of a room's members by user id, for a member of it (404 for anyone
 * else); `q` keeps those whose name or email contains it, among the first
 * SEARCHED active users that match (enough to suggest whom to mention).
 */
export async function listRoomMembers(
  db: Db, me: Me, roomId: number, opts: { after?: number; limit: number; q?: string },
): Promise<MemberPageView> {
  await requireMember(db, me, roomId);
  const among = opts.q ? (await db.users.search(opts.q, SEARCHED)).map((u) => u.id) : undefined;
  return membersPage(db, roomId, { after: opts.after, limit: opts.limit, among });
}

/** Adds a user to a group or channel: its admins and moderators; only admins give a role above member. */
export async function addMember(db: Db, me: Me, roomId: number, userId: number, role: MemberRole = 'member'): Promise<MemberView> {
  const { room, member } = await requireMember(db, me, roomId);
  // A direct room has no admin: its members are told what cannot be done rather than "not allowed".
  if (room.type === 'direct') throw conflict('A direct conversation has exactly two members.', 'direct-room');
  requireManager(me, member, 'add members');
  if (role !== 'member' && member.role !== 'admin') throw forbidden('Only the admins of a room can give a role.', { reason: 'room-role' });
  const user = await db.users.findActive(userId);
  if (!user) throw notFound('user');
  if (await memberOf(db, roomId, userId)) throw conflict('This user is already a member of the room.', 'already-member');
  try {
    return await db.transaction(async (tx) => {
      // The room's lock first, as every writer of its messages takes it: concurrent additions queue instead of deadlocking.
      await tx.lockRoom(roomId);
      await tx.insert(tx.t.members, { roomId, userId, role, joinedAt: now() });
      const [view] = await recordMembersAdded(tx, roomId, [userId]);
      await recordSystemMessage(tx, roomId, me, { action: 'member.added', userId });
      return view;
    });
  } catch (err) {
    if (db.isUniqueViolation(err)) throw conflict('This user is already a member of the room.', 'already-member');
    throw err;
  }
}

/** Changes a member's role: admins only, and a room always keeps one admin. */
export async function changeRole(db: Db, me: Me, roomId: number, userId: number, role: MemberRole): Promise<MemberView> {
  const { room, member } = await requireMember(db, me, roomId);
  if (room.type === 'direct') throw conflict('A direct conversation has no roles.', 'direct-room');
  requireManager(me, member, 'change roles', 'admin');
  const target = await memberOf(db, roomId, userId);
  if (!target) throw notFound('member');
  const { members } = db.t;
  await db.transaction(async (tx) => {
    await tx.lockRoom(roomId);
    if (target.role === 'admin' && role !== 'admin' && (await adminCount(tx, roomId)) <= 1) {
      throw conflict('A room needs at least one admin: name another admin first.', 'last-admin');
    }
    await tx.orm.update(members).set({ role }).where(eq(members.id, target.id));
    // The feed has no member.updated: a room.updated makes clients fetch the room and its roles again.
    await recordRoomEvent(tx, roomId, 'room.updated');
  });
  // Named as in the room's member list, whether the user is still active or not.
  const names = await db.users.byIds([userId]);
  return memberView({ ...target, role }, nameOf(names, userId), (await presenceOf(db, [userId])).get(userId));
}

/**
 * Removes a member (admins and moderators; moderators cannot remove admins),
 * or lets the caller leave. When the last admin leaves a group, its
 * longest-standing member becomes admin, so no room is left unmanaged.
 * Leaving a direct conversation only hides it until its next message: the
 * two people stay its members, with its history.
 */
export async function removeMember(db: Db, me: Me, roomId: number, userId: number): Promise<void> {
  const { room, member } = await requireMember(db, me, roomId);
  const leaving = userId === me.id;
  const { members } = db.t;
  if (leaving && room.type === 'direct') {
    // Leaving a direct conversation hides it, history kept, until a new message arrives.
    await db.orm.update(members).set({ hiddenThrough: room.lastMessageId ?? 0 }).where(eq(members.id, member.id));
    return;
  }
  const target = leaving ? member : await memberOf(db, roomId, userId);
  if (!leaving) {
    if (room.type === 'direct') throw conflict('One can only leave a direct conversation.', 'direct-room');
    requireManager(me, member, 'remove members');
    if (!target) throw notFound('member');
    if (target.role === 'admin' && member.role !== 'admin') throw forbidden('Only an admin can remove an admin.', { reason: 'room-role' });
  }
  await db.transaction(async (tx) => {
    await tx.lockRoom(roomId);
    // Written while the actor is still a member, before a leaving one goes.
    await recordSystemMessage(tx, roomId, me, { action: leaving ? 'member.left' : 'member.removed', userId });
    await tx.orm.delete(members).where(eq(members.id, target!.id));
    if (room.type !== 'direct' && target!.role === 'admin' && (await adminCount(tx, roomId)) === 0) {
      const [next] = await tx.orm.select().from(members).where(and(eq(members.roomId, roomId), ne(members.userId, userId)))
        .orderBy(asc(members.joinedAt), asc(members.id)).limit(1);
      if (next) await tx.orm.update(members).set({ role: 'admin' }).where(eq(members.id, next.id));
    }
    // No longer a member, the removed user is named so that they hear of it too.
    await recordEvents(tx, [{ roomId, type: 'member.removed', data: { roomId, userId }, audience: [userId] }]);
  });
}
