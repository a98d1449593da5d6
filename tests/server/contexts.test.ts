import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';
import type { RoomContext as Context, RoomView as Room } from '../../server/services/views';

let seq = 0;
/** A record of the host app no other test of the file uses. */
const invoice = (extra: Partial<Context> = {}): Context => {
  const id = `2025-${String(++seq).padStart(4, '0')}`;
  return { type: 'invoice', id, label: `Facture ${id}`, url: `/factures/${id}`, ...extra };
};
const body = (context: unknown, memberIds: number[] = []) => ({ type: 'group', name: 'Facture', memberIds, context });

describe.each(DIALECTS)('rooms tied to a host record on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client, reader: Client;
  const open = async (c: Client, context: unknown, memberIds: number[] = []) => {
    const res = await c.post('/rooms', body(context, memberIds));
    return { status: res.status, room: (await res.json()) as Room };
  };
  const list = async (c: Client) => (await (await c.get('/rooms')).json()) as Room[];
  const contextRows = async (type: string, id: string) =>
    server.testDb.exec('SELECT room_id FROM chat_room_contexts WHERE context_type = ? AND context_id = ?', [type, id]);

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe] = await Promise.all([1, 2, 3].map((id) => server.as(id)));
    reader = await server.as(4, ['chat.read', 'chat.create']);
  });
  afterAll(() => server?.close());

  it('creates the record\'s group once (201), then answers the same room (200) with its binding', async () => {
    const context = invoice();
    const first = await open(alice, context, [2]);
    expect(first.status).toBe(201);
    expect(first.room).toMatchObject({ type: 'group', name: 'Facture', myRole: 'admin', context });
    const again = await open(alice, { ...context, label: 'Autre libellé' });
    expect(again.status).toBe(200);
    expect(again.room.id).toBe(first.room.id);
    expect(again.room.context).toEqual(context); // the first binding stays
    // Bruno, a member, gets it too, and sees the record in his list and in the room.
    const forBruno = await open(bruno, context);
    expect([forBruno.status, forBruno.room.id]).toEqual([200, first.room.id]);
    expect((await list(bruno)).find((r) => r.id === first.room.id)?.context).toEqual(context);
    expect(((await (await bruno.get(`/rooms/${first.room.id}`)).json()) as Room).context).toEqual(context);
  });

  it('answers 404 to someone who is not a member of the record\'s room, and adds nobody', async () => {
    const context = invoice();
    const { room } = await open(alice, context);
    await expectProblem(await chloe.post('/rooms', body(context)), 404);
    await expectProblem(await reader.post('/rooms', body(context)), 404);
    expect((await list(chloe)).some((r) => r.id === room.id)).toBe(false);
    const members = await server.testDb.exec('SELECT user_id FROM chat_room_members WHERE room_id = ?', [room.id]);
    expect(members.map((m) => Number(m.user_id))).toEqual([1]);
  });

  it('creates one room when many ask for the same record at once', async () => {
    const context = invoice();
    const results = await Promise.all([alice, alice, alice, alice, alice, alice].map((c) => open(c, context)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
    expect(await contextRows('invoice', context.id)).toHaveLength(1);
    const rooms = await server.testDb.exec('SELECT COUNT(*) AS n FROM chat_rooms WHERE id NOT IN (SELECT room_id FROM chat_room_contexts) AND name = ?', ['Facture']);
    expect(Number(rooms[0].n)).toBe(0); // no orphan room left by the losers
  });

  it('needs chat.manage_rooms to create the room, not to open an existing one', async () => {
    const context = invoice();
    await expectProblem(await reader.post('/rooms', body(context)), 404);
    expect(await contextRows('invoice', context.id)).toHaveLength(0);
    const { room } = await open(alice, context, [4]);
    const forReader = await open(reader, context);
    expect([forReader.status, forReader.room.id]).toEqual([200, room.id]);
  });

  it('frees the record when its room is deleted', async () => {
    const context = invoice();
    const { room } = await open(alice, context);
    expect((await alice.delete(`/rooms/${room.id}`)).status).toBe(204);
    expect(await contextRows('invoice', context.id)).toHaveLength(0);
    const next = await open(bruno, context);
    expect(next.status).toBe(201);
    expect(next.room.id).not.toBe(room.id);
  });

  it('refuses bad bindings with 400 and stores nothing', async () => {
    const bad: unknown[] = [
      invoice({ url: 'javascript:alert(1)' }),
      invoice({ url: 'JavaScript:alert(1)' }),
      invoice({ url: 'data:text/html,<script>alert(1)</script>' }),
      invoice({ url: '//evil.example/factures' }),
      invoice({ url: '/\\evil.example' }),
      invoice({ url: '/factures/1\n2' }),
      invoice({ url: `/${'x'.repeat(500)}` }),
      invoice({ type: 'Invoice' }),
      invoice({ type: '' }),
      invoice({ id: '' }),
      invoice({ id: 'x'.repeat(101) }),
      invoice({ id: 'a b' }),
      invoice({ label: ' ' }),
      invoice({ label: 'x'.repeat(201) }),
      { ...invoice(), extra: 1 },
      { type: 'invoice', id: '1' },
    ];
    const count = async (table: string) => Number((await server.testDb.exec(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    const before = [await count('chat_rooms'), await count('chat_room_contexts'), await count('chat_events')];
    for (const context of bad) {
      const res = await alice.post('/rooms', body(context));
      await expectProblem(res, 400);
    }
    await expectProblem(await alice.post('/rooms', { type: 'channel', name: 'C', memberIds: [], context: invoice() }), 400);
    await expectProblem(await alice.post('/rooms', { type: 'direct', userId: 2, context: invoice() }), 400);
    expect([await count('chat_rooms'), await count('chat_room_contexts'), await count('chat_events')]).toEqual(before);
  });

  it('accepts absolute http(s) links and bindings without a link', async () => {
    for (const url of ['https://erp.example.com/factures/7?tab=2#l', 'http://erp.local/f/7', undefined]) {
      const context = invoice({ url });
      const { status, room } = await open(alice, context);
      expect(status).toBe(201);
      expect(room.context).toEqual(url ? context : { type: 'invoice', id: context.id, label: context.label });
    }
  });
});
