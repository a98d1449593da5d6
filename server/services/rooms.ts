import { and, asc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { badRequest, conflict, notFound } from './errors';
import { requireManager, requireMember, requirePerm, type Me } from './access';
import type { Db } from '../storage';
import { removeFiles } from './attachments';
import { insertSystemMessage, recordSystemMessage } from './system';
import { directKey, joinedRoomView, memberSummary, roomViews } from './room-views';
import { nameOf, presenceOf } from './users';
import { memberView, now, roomData, type MemberView, type RoomContext, type RoomView } from './views';
import { markJoined, recordEvents } from '../events/outbox';

const activity = (r: RoomView) => r.lastMessage?.createdAt ?? r.createdAt;

export type RoomFilter = 'all' | 'unread' | 'group' | 'direct';

/** The user's rooms, most recent activity first, filtered by kind and by a name search. */
export async function listRooms(db: Db, me: Me, opts: { filter: RoomFilter; q?: string }): Promise<RoomView[]> {
  requirePerm(me, 'chat.read');
  const userId = me.id;
  const { rooms, members } = db.t;
  const rows = await db.orm.select({ room: rooms, member: members }).from(members)
    .innerJoin(rooms, eq(rooms.id, members.roomId))
    .where(and(
      eq(members.userId, userId),
      // A direct conversation the user hid shows again once a newer message arrives.
      or(isNull(members.hiddenThrough), gt(sql`COALESCE(${rooms.lastMessageId}, 0)`, members.hiddenThrough)),
      opts.filter === 'direct' ? eq(rooms.type, 'direct') : undefined,
      opts.filter === 'group' ? ne(rooms.type, 'direct') : undefined,
    ));
  const q = opts.q?.trim().toLowerCase();
  return (await roomViews(db, userId, rows))
    .filter((r) => (opts.filter === 'unread' ? r.unreadCount > 0 : true))
    .filter((r) => !q || (r.name ?? '').toLowerCase().includes(q))
    // Times hold whole seconds: within one, the later message (ids grow) is the more recent activity.
    .sort((a, b) => activity(b).localeCompare(activity(a)) || (b.lastMessage?.id ?? 0) - (a.lastMessage?.id ?? 0) || b.id - a.id);
}

/**
 * One room for a member of it, with its member count, its first members by
 * user id (MEMBERS_IN_ROOM at most: GET /rooms/:id/members pages the rest)
 * and how far everyone has read.
 */
export async function getRoom(db: Db, me: Me, roomId: number): Promise<RoomView> {
  const row = await requireMember(db, me, roomId);
  const reading = memberSummary(db, roomId);
  const [[view], summary] = await Promise.all([roomViews(db, me.id, [row], reading.then((r) => new Map([[roomId, r.memberCount]]))), reading]);
  return { ...view, ...summary };
}

/** Gets or creates the one direct room of the caller and another active user. */
export async function openDirect(db: Db, me: Me, userId: number): Promise<{ room: RoomView; created: boolean }> {
  requirePerm(me, 'chat.read');
  requirePerm(me, 'chat.create');
  if (userId === me.id) throw badRequest('A direct conversation needs another user.', { reason: 'self', field: 'userId' });
  if (!(await db.users.findActive(userId))) throw notFound('user');
  const key = directKey(me.id, userId);
  const { rooms, members } = db.t;
  const attempt = () => db.transaction(async (tx) => {
    const [existing] = await tx.orm.select().from(rooms).where(eq(rooms.directKey, key));
    const at = now();
    if (!existing) {
      const roomId = await tx.insert(rooms, { type: 'direct', createdById: me.id, directKey: key, createdAt: at, updatedAt: at });
      await tx.insertIgnore(members, newMembers(roomId, at, [me.id, userId].map((u) => [u, 'member']), await recordRoomEvent(tx, roomId, 'room.created')));
      return { roomId, created: true };
    }
    const roomId = existing.id;
    const before = await memberIds(tx, roomId);
    await tx.insertIgnore(members, [me.id, userId].map((u) => ({ roomId, userId: u, role: 'member' as const, joinedAt: at })));
    // Opening a conversation one hid shows it again (the other person's hiding stays until a message comes).
    await tx.orm.update(members).set({ hiddenThrough: null }).where(and(eq(members.roomId, roomId), eq(members.userId, me.id)));
    await recordMembersAdded(tx, roomId, [me.id, userId].filter((u) => !before.has(u)));
    return { roomId, created: false };
  });
  let result: { roomId: number; created: boolean };
  try {
    result = await attempt();
  } catch (err) {
    if (!db.isUniqueViolation(err)) throw err;
    result = { ...(await attempt()), created: false };
  }
  return { room: await getRoom(db, me, result.roomId), created: result.created };
}

/**
 * Gets or creates the group room tied to a host record. The record has one
 * room at most (unique key): of two simultaneous creations one fails on it and
 * answers the other's room. An existing room answers 404 to a non-member, like
 * any room: being on the record's page gives no access to its conversation.
 */
export async function openContextRoom(
  db: Db, me: Me, input: { name: string; memberIds: number[]; context: RoomContext },
): Promise<{ room: RoomView; created: boolean }> {
  const { roomContexts } = db.t;
  const find = async () => {
    const [row] = await db.orm.select({ roomId: roomContexts.roomId }).from(roomContexts)
      .where(and(eq(roomContexts.contextType, input.context.type), eq(roomContexts.contextId, input.context.id)));
    return row?.roomId;
  };
  const existing = await find();
  if (existing !== undefined) return { room: await getRoom(db, me, existing), created: false };
  // Someone who may not create it learns nothing either: the same 404 as for a room that exists without them.
  if (!me.perms.has('chat.manage_rooms') || !me.perms.has('chat.read')) throw notFound('room');
  try {
    return { room: await createRoom(db, me, { type: 'group', ...input }), created: true };
  } catch (err) {
    const raced = db.isUniqueViolation(err) ? await find() : undefined;
    if (raced === undefined) throw err;
    return { room: await getRoom(db, me, raced), created: false };
  }
}

/** Creates a group or a channel with the caller as its admin; a group may be tied to a host record. */
export async function createRoom(
  db: Db, me: Me, input: { type: 'group' | 'channel'; name: string; memberIds: number[]; context?: RoomContext },
): Promise<RoomView> {
  requirePerm(me, 'chat.read');
  requirePerm(me, 'chat.manage_rooms');
  const name = checkName(input.name);
  const others = [...new Set(input.memberIds)].filter((id) => id !== me.id);
  const active = await db.users.activeIds(others);
  const missing = others.filter((id) => !active.has(id));
  if (missing.length) throw badRequest(`These memberIds are not active users: ${missing.join(', ')}.`, { reason: 'unknown-user', field: 'memberIds' });
  const roomId = await db.transaction(async (tx) => {
    const at = now();
    const id = await tx.insert(tx.t.rooms, { type: input.type, name, createdById: me.id, createdAt: at, updatedAt: at });
    const c = input.context;
    if (c) await tx.insert(tx.t.roomContexts, { roomId: id, contextType: c.type, contextId: c.id, label: c.label, url: c.url ?? null });
    const created = await recordRoomEvent(tx, id, 'room.created');
    await tx.insertIgnore(tx.t.members, newMembers(id, at, [[me.id, 'admin'], ...others.map((u) => [u, 'member'] as const)], created));
    await recordSystemMessage(tx, id, me, { action: 'room.created', name });
    return id;
  });
  return getRoom(db, me, roomId);
}

/**
 * The member rows of a room just created, each one's feed starting at its
 * room.created event. That event is recorded first: its lock is taken before
 * any member row, in the order of every other writer, so that two rooms
 * created at once cannot deadlock (and no update of the rows is needed).
 */
function newMembers(roomId: number, joinedAt: Date, who: (readonly [number, 'admin' | 'member'])[], joinedEventId: number) {
  return who.map(([userId, role]) => ({ roomId, userId, role, joinedAt, joinedEventId }));
}

function checkName(raw: string): string {
  const name = raw.trim();
  if (!name) throw badRequest('name must not be empty.', { reason: 'empty-name', field: 'name' });
  if (name.length > 200) throw badRequest('name must be at most 200 characters.', { reason: 'too-long', field: 'name' });
  return name;
}

/** Renames a group or channel: its admins and moderators. */
export async function renameRoom(db: Db, me: Me, roomId: number, rawName: string): Promise<RoomView> {
  const { room, member } = await requireMember(db, me, roomId);
  // A direct room has no admin: its members are told what cannot be done rather than "not allowed".
  if (room.type === 'direct') throw conflict('A direct conversation has no name to change.', 'direct-room');
  requireManager(me, member, 'rename it');
  const name = checkName(rawName);
  await db.transaction(async (tx) => {
    await tx.orm.update(tx.t.rooms).set({ name, updatedAt: now() }).where(eq(tx.t.rooms.id, roomId));
    await recordRoomEvent(tx, roomId, 'room.updated');
    await recordSystemMessage(tx, roomId, me, { action: 'room.renamed', name });
  });
  return getRoom(db, me, roomId);
}

/** Deletes a room and everything in it, its files under `uploadDir` included: its admins only. */
export async function deleteRoom(db: Db, me: Me, roomId: number, uploadDir: string): Promise<void> {
  const { member } = await requireMember(db, me, roomId);
  requireManager(me, member, 'delete it', 'admin');
  await db.transaction(async (tx) => {
    const rows = await tx.orm.select({ userId: tx.t.members.userId }).from(tx.t.members).where(eq(tx.t.members.roomId, roomId));
    await tx.orm.delete(tx.t.rooms).where(eq(tx.t.rooms.id, roomId));
    const ids = rows.map((r) => r.userId);
    // They are members no more, so the event names them to reach them.
    await recordEvents(tx, [{ roomId, type: 'room.deleted', data: { id: roomId }, audience: ids }]);
  });
  await removeFiles(uploadDir, roomId);
}

/** Public channels, with the caller's role in each (null when not a member). */
export async function listChannels(db: Db, me: Me): Promise<RoomView[]> {
  requirePerm(me, 'chat.read');
  const userId = me.id;
  const { rooms, members } = db.t;
  const rows = await db.orm.select({ room: rooms, member: members }).from(rooms)
    .leftJoin(members, and(eq(members.roomId, rooms.id), eq(members.userId, userId)))
    .where(eq(rooms.type, 'channel'))
    .orderBy(asc(rooms.name), asc(rooms.id));
  return roomViews(db, userId, rows);
}

/** Joins a public channel (a room that is not one answers 404). */
export async function joinChannel(db: Db, me: Me, roomId: number): Promise<RoomView> {
  const { rooms, members, presence: seen } = db.t;
  // Whether the caller is a member already, and when they were last seen, read with the room:
  // known before the room is locked, so that the joins of a busy channel queue behind as few statements as can be.
  const [found] = await db.orm.select({ room: rooms, memberId: members.id, lastSeenAt: seen.lastSeenAt }).from(rooms)
    .leftJoin(members, and(eq(members.roomId, rooms.id), eq(members.userId, me.id)))
    .leftJoin(seen, eq(seen.userId, me.id))
    .where(and(eq(rooms.id, roomId), eq(rooms.type, 'channel')));
  if (!found) throw notFound('room');
  requirePerm(me, 'chat.read');
  // A member already: nothing to write, nothing to tell.
  if (found.memberId !== null) return getRoom(db, me, roomId);
  const presence = (await presenceOf(db, [me.id], new Map([[me.id, found.lastSeenAt]]))).get(me.id);
  const joined = await db.transaction(async (tx) => {
    // The system message first, as its insert takes the room's lock; then member.added and its message.created,
    // in one insert; the member's row last, with their read mark and where their feed starts (their arrival).
    const said = await insertSystemMessage(tx, roomId, me, { action: 'member.added', userId: me.id });
    // The room went away meanwhile: nothing of the join stays.
    if (!said) throw notFound('room');
    const member = {
      id: 0, roomId, userId: me.id, role: 'member' as const, joinedAt: now(), lastReadAt: new Date(said.createdAt), lastReadMessageId: said.id,
      muted: false, joinedEventId: null, hiddenThrough: null,
    };
    const [arrival] = await recordEvents(tx, [
      { roomId, type: 'member.added', data: { roomId, ...memberView(member, me.name, presence) } },
      { roomId, type: 'message.created', data: said, messageId: said.id },
    ]);
    const { id: _, ...row } = member;
    if (!(await tx.insertIgnore(members, [{ ...row, joinedEventId: arrival }]))) throw joinedMeanwhile;
    return { member, said };
  }).catch((err: unknown) => {
    if (err === joinedMeanwhile) return null;
    throw err;
  });
  // Joined by another request since the check above: this one rolled back, and answers as a member.
  if (!joined) return getRoom(db, me, roomId);
  // The answer from what the join wrote: the room as its system message left it, read by the joiner.
  const { member, said } = joined;
  return joinedRoomView(db, { ...found.room, lastMessageId: said.id, updatedAt: new Date(said.createdAt) }, member, said);
}

const joinedMeanwhile = new Error('joined meanwhile');

/** Mutes or unmutes a room for the caller. */
export async function setMuted(db: Db, me: Me, roomId: number, muted: boolean): Promise<MemberView> {
  const { member } = await requireMember(db, me, roomId);
  const { members } = db.t;
  await db.orm.update(members).set({ muted }).where(eq(members.id, member.id));
  return memberView({ ...member, muted }, me.name, (await presenceOf(db, [me.id])).get(me.id));
}

async function memberIds(db: Db, roomId: number): Promise<Set<number>> {
  const { members } = db.t;
  const rows = await db.orm.select({ userId: members.userId }).from(members).where(eq(members.roomId, roomId));
  return new Set(rows.map((r) => r.userId));
}

/** Records room.created or room.updated in the transaction that made the change; resolves the event's id. */
export async function recordRoomEvent(tx: Db, roomId: number, type: 'room.created' | 'room.updated'): Promise<number> {
  const [row] = await tx.orm.select().from(tx.t.rooms).where(eq(tx.t.rooms.id, roomId));
  const [id] = await recordEvents(tx, [{ roomId, type, data: roomData(row) }]);
  return id;
}

/** Records member.added for new members of a room (their Member views, with roomId) and returns the views. */
export async function recordMembersAdded(tx: Db, roomId: number, userIds: number[]): Promise<MemberView[]> {
  if (!userIds.length) return [];
  const { members } = tx.t;
  const rows = await tx.orm.select().from(members).where(and(eq(members.roomId, roomId), inArray(members.userId, userIds)));
  const [names, presence] = await Promise.all([tx.users.byIds(userIds), presenceOf(tx, userIds)]);
  return recordMemberViews(tx, roomId, rows.map((m) => memberView(m, nameOf(names, m.userId), presence.get(m.userId))));
}

/** Records member.added for these new members' views, one event each (never the room's other members). */
async function recordMemberViews(tx: Db, roomId: number, views: MemberView[]): Promise<MemberView[]> {
  const [first] = await recordEvents(tx, views.map((v) => ({ roomId, type: 'member.added' as const, data: { roomId, ...v } })));
  // Their feed starts with their arrival: what the room said before is history, read through REST.
  if (first !== undefined) await markJoined(tx, roomId, views.map((v) => v.userId), first);
  return views;
}
