import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { openDb, type Db } from '../../server/storage';
import { createTestDb, DIALECTS, type TestDb } from './harness';

describe.each(DIALECTS)('the storage port on %s', (dialect) => {
  let testDb: TestDb;
  let db: Db;
  let roomId: number;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    db = await openDb(testDb.url, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    const at = new Date('2026-11-30T08:00:00Z');
    roomId = await db.insert(db.t.rooms, { type: 'group', name: 'Verrou', createdById: 1, createdAt: at, updatedAt: at });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('inserts rows under a locked row in their order, as given, and answers their ids', async () => {
    const at = new Date('2026-11-30T09:15:30.250Z');
    const ids = await db.transaction((tx) => tx.insertAllLocked(tx.t.events, [
      { roomId, type: 'member.added', data: '{"n":1}', audience: '2,3', messageId: null, createdAt: at },
      { roomId, type: 'message.created', data: '{"n":2}', messageId: 7, createdAt: at },
      { roomId, type: 'read', data: '{"n":3}', createdAt: at },
    ], { table: db.t.eventSeq, id: 1 }));
    expect(ids).toHaveLength(3);
    expect(ids![1]).toBe(ids![0] + 1);
    expect(ids![2]).toBe(ids![0] + 2);
    const { events } = db.t;
    const stored = await db.orm.select().from(events).where(eq(events.roomId, roomId)).orderBy(asc(events.id));
    expect(stored.map((e) => [e.id, e.type, e.data, e.audience, e.messageId])).toEqual([
      [ids![0], 'member.added', '{"n":1}', '2,3', null],
      [ids![1], 'message.created', '{"n":2}', null, 7],
      [ids![2], 'read', '{"n":3}', null, null],
    ]);
    expect(stored.map((e) => e.createdAt.toISOString())).toEqual(Array(3).fill(at.toISOString()));
  });

  it('inserts one row under its room, and nothing when the room is gone', async () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const message = { roomId, senderId: 1, content: "l'ordre", type: 'text' as const, clientId: 'lock-1', createdAt: at };
    const id = await db.transaction((tx) => tx.insertLocked(tx.t.messages, message, { table: tx.t.rooms, id: roomId }));
    expect(id).toBeGreaterThan(0);
    const none = await db.transaction((tx) => tx.insertLocked(tx.t.messages, { ...message, clientId: 'lock-2' }, { table: tx.t.rooms, id: roomId + 1000 }));
    expect(none).toBeNull();
    const { messages } = db.t;
    const stored = await db.orm.select().from(messages).where(eq(messages.roomId, roomId));
    expect(stored.map((m) => [m.id, m.content, m.clientId, m.createdAt.toISOString()])).toEqual([[id, "l'ordre", 'lock-1', at.toISOString()]]);
  });
});
