import { and, asc, eq, gt, inArray, ne, sql, type Placeholder } from 'drizzle-orm';
import { memberCounts, memberTally, type Tally } from './member-counts';
import { serialBatches } from '../batches';
import { perDb, type Db, type MemberRow, type RoomContextRow, type RoomRow } from '../storage';
import { mentionCounts } from './mentions';
import { toViews } from './message-views';
import { nameOf, presenceOf } from './users';
import { contextView, iso, memberView, type MemberView, type MessageView, type RoomView } from './views';

/** The other person of a direct room, from its "lowId:highId" key. */
export function directPeer(room: Pick<RoomRow, 'directKey'>, me: number): number | null {
  if (!room.directKey) return null;
  const [a, b] = room.directKey.split(':').map(Number);
  return a === me ? b : a;
}

/** The key of the one direct room of two users. */
export const directKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/**
 * Views of rooms for one user, with last message, unread count, member
 * count and names, in a fixed number of queries however many rooms; a direct
 * room carries its two members, with their presence.
 */
export async function roomViews(
  db: Db, userId: number, rows: { room: RoomRow; member: MemberRow | null }[],
  /** The member counts when already being read (a one-room answer's member summary counts them). */
  counted?: Promise<Map<number, number>>,
): Promise<RoomView[]> {
  if (!rows.length) return [];
  const { messages, members, roomContexts } = db.t;
  const roomIds = rows.map((r) => r.room.id);
  const lastIds = rows.map((r) => r.room.lastMessageId).filter((id): id is number => id != null);
  const memberRoomIds = rows.filter((r) => r.member).map((r) => r.room.id);
  const directIds = rows.filter((r) => r.room.type === 'direct').map((r) => r.room.id);
  const groupIds = rows.filter((r) => r.room.type === 'group').map((r) => r.room.id);
  const [lastRows, unread, contexts, counts, directMembers, mentioned] = await Promise.all([
    lastIds.length ? db.orm.select().from(messages).where(inArray(messages.id, lastIds)) : [],
    memberRoomIds.length
      ? db.orm.select({ roomId: messages.roomId, n: sql<number>`COUNT(*)` }).from(messages)
        .innerJoin(members, and(eq(members.roomId, messages.roomId), eq(members.userId, userId)))
        .where(and(
          inArray(messages.roomId, memberRoomIds),
          gt(messages.id, sql`COALESCE(${members.lastReadMessageId}, 0)`),
          ne(messages.senderId, userId),
          eq(messages.isDeleted, false),
          ne(messages.type, 'system'),
        ))
        .groupBy(messages.roomId)
      : [],
    // Only a group is ever tied to a host record.
    groupIds.length ? db.orm.select().from(roomContexts).where(inArray(roomContexts.roomId, groupIds)) : [],
    counted ?? memberCounts(db, roomIds),
    directIds.length ? db.orm.select().from(members).where(inArray(members.roomId, directIds)).orderBy(asc(members.id)) : [],
    mentionCounts(db, userId, memberRoomIds),
  ]);
  const people = [...new Set(directMembers.map((m) => m.userId))];
  const [lastViews, names, presence] = await Promise.all([toViews(db, lastRows), db.users.byIds(people), presenceOf(db, people)]);
  const contextByRoom = new Map(contexts.map((c) => [c.roomId, c]));
  const lastById = new Map(lastViews.map((m) => [m.id, m]));
  const unreadByRoom = new Map(unread.map((u) => [u.roomId, Number(u.n)]));
  const membersOf = new Map<number, MemberView[]>();
  for (const m of directMembers) {
    const view = memberView(m, nameOf(names, m.userId), presence.get(m.userId));
    membersOf.get(m.roomId)?.push(view) ?? membersOf.set(m.roomId, [view]);
  }
  return rows.map(({ room, member }) => {
    const peer = directPeer(room, userId);
    return roomView(room, member, {
      name: peer != null ? nameOf(names, peer) : room.name,
      lastMessage: room.lastMessageId != null ? lastById.get(room.lastMessageId) ?? null : null,
      unreadCount: unreadByRoom.get(room.id) ?? 0,
      mentionCount: mentioned.get(room.id) ?? 0,
      memberCount: counts.get(room.id) ?? 0,
      members: membersOf.get(room.id),
      context: contextByRoom.get(room.id),
    });
  });
}

/** What a room's view takes beside its row and the caller's member row. */
interface RoomParts {
  name: string | null;
  lastMessage: MessageView | null;
  unreadCount: number;
  mentionCount: number;
  memberCount: number;
  members?: MemberView[];
  context?: RoomContextRow;
}

/** A room's view, from its row, the caller's member row and what was counted. */
function roomView(room: RoomRow, member: MemberRow | null, p: RoomParts): RoomView {
  return {
    id: room.id,
    type: room.type,
    name: p.name,
    createdBy: room.createdById,
    createdAt: room.createdAt.toISOString(),
    updatedAt: iso(room.updatedAt),
    lastMessage: p.lastMessage,
    unreadCount: p.unreadCount,
    mentionCount: p.mentionCount,
    memberCount: p.memberCount,
    muted: member?.muted ?? false,
    myRole: member?.role ?? null,
    lastReadMessageId: member?.lastReadMessageId ?? null,
    ...(p.members ? { members: p.members } : {}),
    ...(p.context ? { context: contextView(p.context) } : {}),
  };
}

/**
 * A channel's view for who just joined it, from what the join wrote: its
 * last message is the join's own system message, read by the joiner, so
 * nothing in it is unread for them yet. The same answer GET /rooms/:id gives,
 * without reading again what the join knows.
 */
export async function joinedRoomView(db: Db, room: RoomRow, member: MemberRow, lastMessage: MessageView): Promise<RoomView> {
  const { memberCount, members, allReadMessageId } = await memberSummary(db, room.id);
  const view = roomView(room, member, { name: room.name, lastMessage, unreadCount: 0, mentionCount: 0, memberCount });
  return { ...view, members, allReadMessageId };
}

/** What a one-room answer tells of its members, the same for every caller. */
export interface MemberSummary extends Tally {
  /** The first page, by user id. */
  members: MemberView[];
}

/**
 * The least time between two reads of summaries (serialBatches' spacingMs), from how many the last read
 * answered: 5 ms after a read for one, 10 ms after a read for more. During a burst of joins into a channel,
 * those of 10 ms share one read (joins of a 10 000-member channel, bench/rooms.ts: about 310/s with none or
 * a fixed 5 ms, 410/s with 10 ms, the server's CPU per join 3.3 → 2.5 ms); requests one after another wait
 * 5 ms at most; after a quiet moment a summary is read at once.
 */
const summarySpacingMs = (lastBatchSize: number) => Math.min(10, 5 * lastBatchSize);

/**
 * A room's member summary. The summaries asked for while one is being read, or
 * within summarySpacingMs of the last read (of any room), are read together,
 * once per room: when many open or join a channel at the same moment, its 100
 * members are read a few times, not once each, and each still sees what was
 * committed before it asked (its own join included).
 */
export function memberSummary(db: Db, roomId: number): Promise<MemberSummary> {
  return summaries(db).load(roomId);
}

const summaries = perDb((db) => serialBatches<number, MemberSummary>(async (ids) => {
  const read = new Map(await Promise.all([...new Set(ids)].map(async (id) => {
    const [tally, first] = await Promise.all([memberTally(db, id), membersPage(db, id)]);
    return [id, { ...tally, members: first.members }] as const;
  })));
  return ids.map((id) => read.get(id)!);
}, { spacingMs: summarySpacingMs }));

/**
 * The page's statement. Each member's last time seen comes with them (the presence row by its key); who is
 * online now, from the feed. Only what a view shows: a page of 100 is mapped column by column.
 */
function pageQuery(db: Db, at: { roomId: number | Placeholder; after: number | Placeholder; limit: number | Placeholder }, among?: number[]) {
  const { members, presence } = db.t;
  const { userId, role, joinedAt, lastReadAt, lastReadMessageId, muted } = members;
  return db.orm.select({ member: { userId, role, joinedAt, lastReadAt, lastReadMessageId, muted }, lastSeenAt: presence.lastSeenAt }).from(members)
    .leftJoin(presence, eq(presence.userId, members.userId))
    .where(and(eq(members.roomId, at.roomId), gt(members.userId, at.after), among ? inArray(members.userId, among) : undefined))
    .orderBy(asc(members.userId)).limit(at.limit);
}

/** The page's statement without `among`, prepared once per database: building its SQL cost more than running it. */
const pageStatement = perDb((db) =>
  pageQuery(db, { roomId: sql.placeholder('roomId'), after: sql.placeholder('after'), limit: sql.placeholder('limit') }).prepare());

/** How many members a one-room answer carries; the rest are paged by GET /rooms/:id/members. */
export const MEMBERS_IN_ROOM = 100;

/**
 * A page of a room's members by user id, after `after`, with their names and
 * presence: one range of the (room, user) index, however large the room.
 * `among` restricts it to these users (a name search).
 */
export async function membersPage(
  db: Db, roomId: number, opts: { after?: number; limit?: number; among?: number[] } = {},
): Promise<{ members: MemberView[]; hasMore: boolean }> {
  const limit = opts.limit ?? MEMBERS_IN_ROOM;
  if (opts.among && !opts.among.length) return { members: [], hasMore: false };
  const rows = opts.among
    ? await pageQuery(db, { roomId, after: opts.after ?? 0, limit: limit + 1 }, opts.among)
    : await pageStatement(db).execute({ roomId, after: opts.after ?? 0, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.member.userId);
  const seen = new Map(page.map((r) => [r.member.userId, r.lastSeenAt]));
  const [names, seenNow] = await Promise.all([db.users.byIds(ids), presenceOf(db, ids, seen)]);
  return { members: page.map(({ member }) => memberView(member, nameOf(names, member.userId), seenNow.get(member.userId))), hasMore: rows.length > limit };
}
