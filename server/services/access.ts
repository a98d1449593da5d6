import { and, eq } from 'drizzle-orm';
import { forbidden, notFound } from './errors';
import type { Db, MessageRow } from '../storage';
import type { HostUser } from '../storage/users';

/** The host's chat permissions a token may carry. */
export const permissions = ['chat.read', 'chat.create', 'chat.update', 'chat.delete', 'chat.manage_rooms'] as const;
export type Permission = (typeof permissions)[number];

/** The caller of a request: an active host user and the permissions of their token. */
export interface Me extends HostUser {
  perms: Set<Permission>;
  /** Token expiry, in seconds since the epoch (ends event streams). */
  exp: number;
}

type Membership = Awaited<ReturnType<typeof findMembership>>;
export type MemberOf = NonNullable<Membership>['member'];

/** Refuses (403) unless the token grants the permission: for what is not about one room. */
export function requirePerm(me: Me, perm: Permission): void {
  if (!me.perms.has(perm)) throw forbidden(`This requires the ${perm} permission.`, { reason: 'permission', permission: perm });
}

/** Whether a member's room role lets them moderate: rename, add and remove members, delete others' messages. */
export const canModerate = (m: { role: string }) => m.role === 'admin' || m.role === 'moderator';

/** A user's membership of a room, if any (no check of the room). */
export async function memberOf(db: Db, roomId: number, userId: number) {
  const { members } = db.t;
  const [row] = await db.orm.select().from(members).where(and(eq(members.roomId, roomId), eq(members.userId, userId)));
  return row;
}

function findMembership(db: Db, roomId: number, userId: number) {
  const { rooms, members } = db.t;
  return db.orm.select({ room: rooms, member: members }).from(members)
    .innerJoin(rooms, eq(rooms.id, members.roomId))
    .where(and(eq(members.roomId, roomId), eq(members.userId, userId)))
    .then(([row]) => row);
}

/**
 * The room and the caller's membership of it, for a caller whose token may
 * read the chat. Anyone else gets the same 404 as for a room that does not
 * exist, so rooms cannot be enumerated; the 403 of a token without chat.read
 * is only told about a room the caller is in.
 */
export async function requireMember(db: Db, me: Me, roomId: number, what = 'room') {
  const row = await findMembership(db, roomId, me.id);
  if (!row) throw notFound(what);
  requirePerm(me, 'chat.read');
  return row;
}

/**
 * Refuses (403) an action the token does not allow in a room (nor chat.read,
 * which every action in a room takes), but first
 * answers 404 for a room that is not the caller's, so the status tells nothing
 * of other rooms. Costs a query only when the permission is missing.
 */
export async function requirePermIn(db: Db, me: Me, roomId: number, perm: Permission): Promise<void> {
  if (me.perms.has(perm) && me.perms.has('chat.read')) return;
  await requireMember(db, me, roomId);
  requirePerm(me, perm);
}

/**
 * Managing a room (renaming it, adding and removing members) takes a room
 * role and the host's chat.manage_rooms: a room role never grants what the
 * token lacks. `admin` asks for the admin role itself (roles, deleting the room).
 */
export function requireManager(me: Me, member: { role: string }, action: string, role: 'moderator' | 'admin' = 'moderator'): void {
  const allowed = role === 'admin' ? member.role === 'admin' : canModerate(member);
  if (!allowed) throw forbidden(`Only the ${role === 'admin' ? 'admins' : 'admins and moderators'} of a room can ${action}.`, { reason: 'room-role' });
  requirePerm(me, 'chat.manage_rooms');
}

/** A message row by id. */
export async function messageById(db: Db, id: number): Promise<MessageRow | undefined> {
  const [row] = await db.orm.select().from(db.t.messages).where(eq(db.t.messages.id, id));
  return row;
}

/** The message and the caller's membership of its room; 404 for anyone else. */
export async function messageForMember(db: Db, me: Me, messageId: number) {
  const message = await messageById(db, messageId);
  if (!message) throw notFound('message');
  const { member } = await requireMember(db, me, message.roomId, 'message');
  return { message, member };
}
