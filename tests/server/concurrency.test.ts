import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '../../server/events/outbox';
import type { Me } from '../../server/services/access';
import type { RoomView } from '../../server/services/views';
import { createRoom, joinChannel, openDirect } from '../../server/services/rooms';
import { openDb, type Db } from '../../server/storage';
import { createTestDb, USERS, type TestDb } from './harness';

/**
 * Room creations and joins that race on MariaDB. Two transactions deadlock when each
 * holds a lock the other waits for; every writer takes the event log's lock
 * before writing member rows, so two creations queue instead. A deadlock is
 * rare enough to be missed by a race in a test run: the order of the
 * statements is checked as well.
 */
describe('rooms created and joined at the same moment on mysql', () => {
  let testDb: TestDb;
  let db: Db;
  let statements: string[] = [];
  const crowd = Array.from({ length: 120 }, (_, i) => 500 + i);
  const me = (id: number): Me => ({ id, name: `Crowd ${id}`, perms: new Set(['chat.read', 'chat.create', 'chat.manage_rooms']), exp: 0 } as Me);

  beforeAll(async () => {
    testDb = await createTestDb('mysql', [...USERS, ...crowd.map((id) => ({ id, username: `c${id}`, full_name: `Crowd ${id}`, email: null, is_active: 1 }))]);
    db = await openDb(testDb.url, { usersTable: 'users', nameColumns: ['full_name', 'username'], logQuery: (query) => statements.push(query.replace(/\s+/g, ' ')) });
  });
  afterAll(async () => { await db?.close(); await testDb?.drop(); });

  /** The statements of one transaction run by `fn`, from BEGIN to COMMIT. */
  async function transactionOf(fn: () => Promise<unknown>) {
    statements = [];
    await fn();
    const begin = statements.findIndex((s) => /^begin/i.test(s));
    return statements.slice(begin, statements.findIndex((s, i) => i > begin && /^commit/i.test(s)) + 1);
  }

  it.each([
    ['a group', () => createRoom(db, me(500), { type: 'group', name: 'Compta', memberIds: [501, 502] })],
    ['a channel', () => createRoom(db, me(500), { type: 'channel', name: 'Annonces', memberIds: [503] })],
    ['a direct conversation', () => openDirect(db, me(504), 505)],
  ])('writes %s\'s members after taking the event log\'s lock, where their feed starts already set', async (_, create) => {
    const tx = await transactionOf(create);
    const events = tx.findIndex((s) => /^insert into `chat_events`/i.test(s));
    const members = tx.findIndex((s) => /^insert ignore into `chat_room_members`/i.test(s));
    expect(events).toBeGreaterThan(0);
    expect(members).toBeGreaterThan(events);
    // Setting it afterwards would lock a range of the members' index, next to other rooms' new rows.
    expect(tx.filter((s) => /^update `chat_room_members` set `joined_event_id`/i.test(s))).toEqual([]);
  });

  it('creates sixty rooms asked for at once, none failing', async () => {
    for (let round = 0; round < 5; round++) {
      const all = await Promise.allSettled(crowd.slice(0, 12).map((id, i) =>
        createRoom(db, me(id), { type: i % 3 ? 'group' : 'channel', name: `Vague ${round}-${i}`, memberIds: crowd.slice(12 + i * 9, 12 + i * 9 + 9) })));
      expect(all.filter((r) => r.status === 'rejected')).toEqual([]);
    }
  });

  it('joins a channel for thirty people at once, each told once, each feed starting at their arrival', async () => {
    const channel = await createRoom(db, me(500), { type: 'channel', name: 'Tous', memberIds: [] });
    const joiners = crowd.slice(60, 90);
    const joined = await Promise.allSettled(joiners.map((id) => joinChannel(db, me(id), channel.id)));
    expect(joined.filter((r) => r.status === 'rejected')).toEqual([]);
    // Each answer was read after its own join: the joiner is among the members it lists, and counted. (The count
    // and the list are two reads: another join may land between them, so they need not agree with each other.)
    joined.forEach((r, i) => {
      const view = (r as PromiseFulfilledResult<RoomView>).value;
      expect(view.members!.map((m) => m.userId)).toContain(joiners[i]);
      expect(view.memberCount).toBeGreaterThanOrEqual(2);
    });
    const { members, messages, events } = db.t;
    const rows = await db.orm.select().from(members).where(eq(members.roomId, channel.id));
    expect(rows.map((m) => m.userId).sort()).toEqual([500, ...joiners].sort());
    const arrivals = await db.orm.select().from(events).where(and(eq(events.roomId, channel.id), eq(events.type, 'member.added')));
    const said = await db.orm.select().from(messages).where(and(eq(messages.roomId, channel.id), eq(messages.type, 'system')));
    expect(said).toHaveLength(1 + joiners.length);
    for (const id of joiners) {
      const arrival = arrivals.filter((e) => JSON.parse(e.data).userId === id);
      expect(arrival).toHaveLength(1);
      const member = rows.find((m) => m.userId === id)!;
      expect(member.joinedEventId).toBe(arrival[0].id);
      // Their own system message is read: the one saying they joined.
      const theirs = said.find((m) => m.senderId === id)!;
      expect(member.lastReadMessageId).toBe(theirs.id);
    }
  });

  it('joins once when one person asks four times at once: one row, one event, one message, four answers as a member', async () => {
    const channel = await createRoom(db, me(500), { type: 'channel', name: 'Une fois', memberIds: [] });
    const answers = await Promise.all([0, 1, 2, 3].map(() => joinChannel(db, me(595), channel.id)));
    expect(answers.map((a) => a.myRole)).toEqual(['member', 'member', 'member', 'member']);
    expect(new Set(answers.map((a) => a.memberCount))).toEqual(new Set([2]));
    const { members, messages, events } = db.t;
    expect(await db.orm.select().from(members).where(and(eq(members.roomId, channel.id), eq(members.userId, 595)))).toHaveLength(1);
    expect(await db.orm.select().from(events).where(and(eq(events.roomId, channel.id), eq(events.type, 'member.added')))).toHaveLength(1);
    expect(await db.orm.select().from(messages).where(and(eq(messages.roomId, channel.id), eq(messages.type, 'system')))).toHaveLength(2);
  });

  it('records a transaction\'s events in their order, under the sequence\'s lock until it commits', async () => {
    const { events, eventSeq } = db.t;
    let release!: () => void;
    let recorded!: (ids: number[]) => void;
    const idsOf = new Promise<number[]>((resolve) => (recorded = resolve));
    const holding = db.transaction(async (tx) => {
      recorded(await recordEvents(tx, ['un', 'deux é', 'trois 🎉'].map((word) => ({ roomId: 1, type: 'room.updated' as const, data: { word } }))));
      await new Promise<void>((resolve) => (release = resolve));
    });
    const ids = await idsOf;
    // Nobody can even share the lock meanwhile (a shared one would let two writers draw ids at once).
    await expect(db.transaction((tx) => tx.rows(sql`SELECT id FROM ${eventSeq} WHERE id = 1 LOCK IN SHARE MODE NOWAIT`))).rejects.toThrow();
    release();
    await holding;
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
    const rows = await db.orm.select().from(events).where(inArray(events.id, ids)).orderBy(asc(events.id));
    expect(rows.map((r) => JSON.parse(r.data).word)).toEqual(['un', 'deux é', 'trois 🎉']);
  });
});
