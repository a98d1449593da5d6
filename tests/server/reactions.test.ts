import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView as Message } from '../../server/services/views';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';

const path = (messageId: number, emoji: string) => `/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`;

describe.each(DIALECTS)('reactions on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  let chloe: Client;
  let david: Client;
  let roomId: number;
  let clientIds = 0;

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe, david] = await Promise.all([1, 2, 3, 4].map((id) => server.as(id)));
    const res = await alice.post('/rooms', { type: 'group', name: 'Quai 4', memberIds: [2, 3] });
    roomId = (await res.json()).id;
  });
  afterAll(() => server?.close());

  async function send(who: Client, content: string): Promise<Message> {
    const res = await who.post(`/rooms/${roomId}/messages`, { content, clientId: `r${++clientIds}` });
    expect(res.status).toBe(201);
    return res.json();
  }
  const react = (who: Client, messageId: number, emoji: string) => who.request('PUT', path(messageId, emoji));
  const unreact = (who: Client, messageId: number, emoji: string) => who.request('DELETE', path(messageId, emoji));
  /** The message as its room's page shows it now. */
  async function shown(who: Client, messageId: number): Promise<Message> {
    const page = await (await who.get(`/rooms/${roomId}/messages?around=${messageId}&limit=3`)).json();
    return page.messages.find((m: Message) => m.id === messageId);
  }
  const stored = async () => Number((await server.testDb.exec('SELECT COUNT(*) AS n FROM chat_reactions'))[0].n);
  const recorded = async () => Number((await server.testDb.exec("SELECT COUNT(*) AS n FROM chat_events WHERE type LIKE 'reaction.%'"))[0].n);

  it('adds a reaction (201), says 200 when it is already there, and shows it on the message with who reacted', async () => {
    const m = await send(alice, 'Le conteneur est arrivé');
    expect(m.reactions).toEqual([]);
    const first = await react(bruno, m.id, '👍');
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ roomId, messageId: m.id, emoji: '👍', userIds: [2] });
    const again = await react(bruno, m.id, '👍');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ roomId, messageId: m.id, emoji: '👍', userIds: [2] });
    expect((await react(chloe, m.id, '👍')).status).toBe(201);
    expect((await react(chloe, m.id, '😂')).status).toBe(201);
    expect((await shown(alice, m.id)).reactions).toEqual([{ emoji: '👍', userIds: [2, 3] }, { emoji: '😂', userIds: [3] }]);
  });

  it('keeps emoji apart that a case-insensitive collation would take for one', async () => {
    const m = await send(alice, 'Choisissez');
    for (const emoji of ['👍', '😂', '👀', '😮', '🇫🇷', '👍🏽', '👨‍👩‍👧‍👦']) expect((await react(bruno, m.id, emoji)).status).toBe(201);
    expect((await shown(chloe, m.id)).reactions.map((r) => r.emoji)).toEqual(['👍', '😂', '👀', '😮', '🇫🇷', '👍🏽', '👨‍👩‍👧‍👦']);
  });

  it('takes the spellings of one emoji (❤ and ❤️, 👍 and 👍 with U+FE0F) as one reaction', async () => {
    const m = await send(alice, 'Merci !');
    expect((await react(bruno, m.id, '❤')).status).toBe(201);
    const same = await react(bruno, m.id, '❤️');
    expect(same.status).toBe(200);
    expect((await same.json()).emoji).toBe('❤️');
    expect((await unreact(bruno, m.id, '❤')).status).toBe(204);
    expect((await shown(alice, m.id)).reactions).toEqual([]);
    // 👍 with a needless presentation selector, as emoji data may spell it, is 👍.
    expect(await (await react(bruno, m.id, '👍\uFE0F')).json()).toMatchObject({ emoji: '👍' });
    expect((await react(bruno, m.id, '👍')).status).toBe(200);
  });

  it('removes a reaction (204), mine only, and answers 204 again when it is gone', async () => {
    const m = await send(alice, 'Qui vient ?');
    await react(bruno, m.id, '✅');
    await react(chloe, m.id, '✅');
    expect((await unreact(bruno, m.id, '✅')).status).toBe(204);
    expect((await unreact(bruno, m.id, '✅')).status).toBe(204);
    expect((await unreact(alice, m.id, '✅')).status).toBe(204);
    expect((await shown(alice, m.id)).reactions).toEqual([{ emoji: '✅', userIds: [3] }]);
  });

  it('refuses anything but exactly one emoji with a 400 that changes nothing', async () => {
    const m = await send(alice, 'Réagissez');
    const [rows, events] = [await stored(), await recorded()];
    const bad = ['a', 'ok', '<b>x</b>', '<img src=x onerror=alert(1)>', '👍👍', '👍 ', '👍a', '1', '#', 'x'.repeat(200), '👍'.repeat(100), '\u200d', '%'];
    for (const emoji of bad) {
      for (const res of [await react(bruno, m.id, emoji), await unreact(bruno, m.id, emoji)]) {
        const problem = await expectProblem(res, 400);
        expect(problem, emoji).toMatchObject({ reason: 'invalid-input', field: 'param.emoji' });
      }
    }
    // A percent-encoding that decodes to no character.
    await expectProblem(await bruno.request('PUT', `/messages/${m.id}/reactions/%F0%9F`), 400);
    await expectProblem(await bruno.request('PUT', `/messages/abc/reactions/${encodeURIComponent('👍')}`), 400);
    expect([await stored(), await recorded()]).toEqual([rows, events]);
    expect((await shown(alice, m.id)).reactions).toEqual([]);
  });

  it('answers 404 to a non-member and for a message that does not exist, 403 to a member without chat.create', async () => {
    const m = await send(alice, 'Entre nous');
    await expectProblem(await react(david, m.id, '👍'), 404);
    await expectProblem(await unreact(david, m.id, '👍'), 404);
    await expectProblem(await react(bruno, 999999, '👍'), 404);
    const reader = await server.as(2, ['chat.read']);
    expect(await expectProblem(await react(reader, m.id, '👍'), 403)).toMatchObject({ reason: 'permission', permission: 'chat.create' });
    // A non-member without the permission learns nothing either.
    await expectProblem(await react(await server.as(4, ['chat.read']), m.id, '👍'), 404);
    expect((await shown(alice, m.id)).reactions).toEqual([]);
  });

  it('refuses a reaction to a deleted message (409), whose reactions go with it', async () => {
    const m = await send(alice, 'Erreur de quai');
    await react(bruno, m.id, '😮');
    expect((await alice.delete(`/messages/${m.id}`)).status).toBe(200);
    expect(await expectProblem(await react(bruno, m.id, '👍'), 409)).toMatchObject({ reason: 'message-deleted' });
    expect((await shown(alice, m.id)).reactions).toEqual([]);
    expect((await unreact(bruno, m.id, '😮')).status).toBe(204);
    const left = await server.testDb.exec('SELECT COUNT(*) AS n FROM chat_reactions WHERE message_id = ?', [m.id]);
    expect(Number(left[0].n)).toBe(0);
  });

  it('refuses a reaction to a system message (409)', async () => {
    const page = await (await alice.get(`/rooms/${roomId}/messages?limit=100`)).json();
    const system = page.messages.find((x: Message) => x.type === 'system');
    expect(await expectProblem(await react(bruno, system.id, '👍'), 409)).toMatchObject({ reason: 'system-message' });
  });

  it('carries reactions in pages, pages around a message, search results and the room list', async () => {
    const m = await send(alice, 'Inventaire terminé au hangar');
    await react(bruno, m.id, '👀');
    const expected = [{ emoji: '👀', userIds: [2] }];
    const latest = await (await chloe.get(`/rooms/${roomId}/messages`)).json();
    expect(latest.messages.at(-1)).toMatchObject({ id: m.id, reactions: expected });
    expect((await shown(chloe, m.id)).reactions).toEqual(expected);
    const found = await (await chloe.get('/search?q=inventaire')).json();
    expect(found).toMatchObject([{ id: m.id, reactions: expected }]);
    const rooms = await (await chloe.get('/rooms')).json();
    expect(rooms.find((r: { id: number }) => r.id === roomId).lastMessage).toMatchObject({ id: m.id, reactions: expected });
  });
});
