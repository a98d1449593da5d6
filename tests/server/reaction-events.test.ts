import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, DIALECTS, type TestDb } from './harness';
import { eventually, startInstance, type Instance } from './events-harness';
import type { EventStream } from './sse-client';

const path = (messageId: number, emoji: string) => `/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;

/** reaction.added and reaction.removed, live and replayed, and what a deletion leaves of them. */
describe.each(DIALECTS)('reaction events on %s', (dialect) => {
  let testDb: TestDb;
  let inst: Instance;
  const open: EventStream[] = [];

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    inst = await startInstance(testDb, { pollMs: 200 });
  });
  afterAll(async () => {
    await inst?.close();
    await testDb?.drop();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await eventually(() => inst.hub.stats().subscribers === 0, 5000, 'every stream to be released');
  });
  const listen = async (userId: number, lastEventId?: string) => {
    const s = await inst.listen(userId, lastEventId);
    open.push(s);
    return s;
  };
  const reactionsOf = (s: EventStream, messageId: number) => s.events
    .filter((e) => e.event.startsWith('reaction.') && e.json.messageId === messageId)
    .map((e) => [e.event, e.json.emoji, e.json.userId]);

  it('tells the room live, and only the room, who added and removed which emoji', async () => {
    const room = await inst.group(1, 'Réactions', [2]);
    const m = await inst.send(1, room.id, 'Livraison confirmée');
    const alice = await listen(1);
    const chloe = await listen(3);
    expect((await inst.call(2, 'PUT', path(m.id, '🎉'))).status).toBe(201);
    const added = await alice.waitFor((e) => e.event === 'reaction.added');
    expect(added.json).toEqual({ roomId: room.id, messageId: m.id, emoji: '🎉', userId: 2 });
    expect(added.id).toMatch(/^[0-9]+$/);
    // Adding it again changes nothing, and says nothing.
    expect((await inst.call(2, 'PUT', path(m.id, '🎉'))).status).toBe(200);
    expect((await inst.call(2, 'DELETE', path(m.id, '🎉'))).status).toBe(204);
    const removed = await alice.waitFor((e) => e.event === 'reaction.removed');
    expect(removed.json).toEqual({ roomId: room.id, messageId: m.id, emoji: '🎉', userId: 2 });
    // Removing what is not there says nothing either.
    expect((await inst.call(2, 'DELETE', path(m.id, '🎉'))).status).toBe(204);
    const last = await inst.send(1, room.id, 'fin');
    await alice.waitFor((e) => e.json?.id === last.id);
    expect(reactionsOf(alice, m.id)).toEqual([['reaction.added', '🎉', 2], ['reaction.removed', '🎉', 2]]);
    expect(chloe.events.filter((e) => e.event.startsWith('reaction.'))).toEqual([]);
  });

  it('replays reactions in order to a reader coming back, unchanged by an edit of the message', async () => {
    const room = await inst.group(1, 'Reprise', [2, 3]);
    const bruno = await listen(2);
    const m = await inst.send(1, room.id, 'Réunion à 15 h');
    const from = (await bruno.waitFor((e) => e.json?.id === m.id)).id!;
    bruno.close();
    expect((await inst.call(3, 'PUT', path(m.id, '👍'))).status).toBe(201);
    expect((await inst.call(1, 'PUT', path(m.id, '✅'))).status).toBe(201);
    expect((await inst.call(3, 'DELETE', path(m.id, '👍'))).status).toBe(204);
    expect((await inst.call(1, 'PATCH', `/messages/${m.id}`, { content: 'Réunion à 16 h' })).status).toBe(200);

    const again = await listen(2, from);
    await again.waitFor((e) => e.event === 'message.updated' && e.json.id === m.id);
    expect(reactionsOf(again, m.id)).toEqual([['reaction.added', '👍', 3], ['reaction.added', '✅', 1], ['reaction.removed', '👍', 3]]);
    for (const e of again.events.filter((x) => x.event.startsWith('reaction.'))) {
      expect(Object.keys(e.json).sort()).toEqual(['emoji', 'messageId', 'roomId', 'userId']);
    }
    expect(again.events.find((e) => e.event === 'message.updated')?.json.reactions).toEqual([{ emoji: '✅', userIds: [1] }]);
  });

  it('replays no reaction to a deleted message, and keeps none of its reaction events', async () => {
    const room = await inst.group(1, 'Effacé', [2]);
    const bruno = await listen(2);
    const start = await inst.send(1, room.id, 'début');
    const from = (await bruno.waitFor((e) => e.json?.id === start.id)).id!;
    bruno.close();
    const m = await inst.send(1, room.id, 'À retirer');
    expect((await inst.call(2, 'PUT', path(m.id, '😡'))).status).toBe(201);
    expect((await inst.call(1, 'PUT', path(m.id, '🙏'))).status).toBe(201);
    expect((await inst.call(1, 'DELETE', `/messages/${m.id}`)).status).toBe(200);

    const again = await listen(2, from);
    await again.waitFor((e) => e.event === 'message.deleted' && e.json.id === m.id);
    expect(reactionsOf(again, m.id)).toEqual([]);
    expect(again.events.find((e) => e.event === 'message.created' && e.json.id === m.id)?.json).toMatchObject({ content: '', reactions: [] });
    const kept = await testDb.exec("SELECT COUNT(*) AS n FROM chat_events WHERE message_id = ? AND type LIKE 'reaction.%'", [m.id]);
    expect(Number(kept[0].n)).toBe(0);
  });
});
