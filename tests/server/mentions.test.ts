import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView as Message } from '../../server/services/views';
import { DIALECTS, startServer, type Client, type TestServer } from './harness';

/** `<@ID>` and `<@all>` in messages: Message.mentions and Room.mentionCount. */
describe.each(DIALECTS)('mentions on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  let chloe: Client;
  let david: Client;
  let clientIds = 0;

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe, david] = await Promise.all([1, 2, 3, 4].map((id) => server.as(id)));
  });
  afterAll(() => server?.close());

  /** A group made by Alice (its admin) with Bruno and Chloé. */
  async function group(name: string): Promise<number> {
    return (await (await alice.post('/rooms', { type: 'group', name, memberIds: [2, 3] })).json()).id;
  }
  async function send(who: Client, roomId: number, content: string): Promise<Message> {
    const res = await who.post(`/rooms/${roomId}/messages`, { content, clientId: `m${++clientIds}` });
    expect(res.status).toBe(201);
    return res.json();
  }
  /** The room as the caller's list shows it, and as GET /rooms/:id does: both must agree. */
  async function mentionCount(who: Client, roomId: number): Promise<number> {
    const listed = (await (await who.get('/rooms')).json()).find((r: { id: number }) => r.id === roomId).mentionCount;
    expect((await (await who.get(`/rooms/${roomId}`)).json()).mentionCount).toBe(listed);
    return listed;
  }
  const read = (who: Client, roomId: number, messageId: number) => who.post(`/rooms/${roomId}/read`, { messageId });

  it('mentions members named by <@ID>, leaves the text as it was, and ignores anyone else', async () => {
    const roomId = await group('Arrivages');
    const m = await send(alice, roomId, 'Bonjour <@2>, voyez avec <@4> et <@999> (<@3x>, <@ 3>, <@0>, <@-3>)');
    expect(m.mentions).toEqual([2]);
    expect(m.content).toBe('Bonjour <@2>, voyez avec <@4> et <@999> (<@3x>, <@ 3>, <@0>, <@-3>)');
    const page = await (await chloe.get(`/rooms/${roomId}/messages`)).json();
    expect(page.messages.at(-1)).toMatchObject({ id: m.id, mentions: [2] });
    expect(await mentionCount(bruno, roomId)).toBe(1);
    expect(await mentionCount(chloe, roomId)).toBe(0);
    // Named twice, counted once; the ids come sorted.
    expect((await send(chloe, roomId, '<@2> <@1> <@2>')).mentions).toEqual([1, 2]);
    expect(await mentionCount(bruno, roomId)).toBe(2);
  });

  it('counts mentions until read, in a muted room too', async () => {
    const roomId = await group('Muet');
    expect((await bruno.patch(`/rooms/${roomId}/me`, { muted: true })).status).toBe(200);
    const first = await send(alice, roomId, '<@2> le devis ?');
    await send(alice, roomId, 'sans mention');
    const third = await send(chloe, roomId, '<@2> et la facture ?');
    expect(await mentionCount(bruno, roomId)).toBe(2);
    await read(bruno, roomId, first.id);
    expect(await mentionCount(bruno, roomId)).toBe(1);
    await read(bruno, roomId, third.id);
    expect(await mentionCount(bruno, roomId)).toBe(0);
  });

  it('never counts a mention of myself in my own message', async () => {
    const roomId = await group('Moi');
    expect((await send(bruno, roomId, 'note pour <@2>')).mentions).toEqual([2]);
    expect(await mentionCount(bruno, roomId)).toBe(0);
  });

  it('lets <@all> mention everyone only from a room admin or moderator; from others it is text', async () => {
    const roomId = await group('Tous');
    const fromMember = await send(bruno, roomId, '<@all> pause café');
    expect(fromMember.mentions).toEqual([]);
    expect(await mentionCount(chloe, roomId)).toBe(0);
    const fromAdmin = await send(alice, roomId, '<@all> réunion à 15 h');
    expect(fromAdmin.mentions).toEqual([1, 2, 3]);
    expect(await mentionCount(chloe, roomId)).toBe(1);
    expect(await mentionCount(bruno, roomId)).toBe(1);
    expect((await alice.patch(`/rooms/${roomId}/members/3`, { role: 'moderator' })).status).toBe(200);
    expect((await send(chloe, roomId, '<@all> inventaire demain')).mentions).toEqual([1, 2, 3]);
    expect(await mentionCount(bruno, roomId)).toBe(2);
  });

  it('follows an edit: a name taken out stops counting, a name put in starts', async () => {
    const roomId = await group('Édition');
    const m = await send(alice, roomId, 'Merci <@2>');
    expect(await mentionCount(bruno, roomId)).toBe(1);
    const edited = await (await alice.patch(`/messages/${m.id}`, { content: 'Merci <@3>' })).json();
    expect(edited.mentions).toEqual([3]);
    expect(await mentionCount(bruno, roomId)).toBe(0);
    expect(await mentionCount(chloe, roomId)).toBe(1);
    // A member's edit cannot turn a message into an <@all>.
    const mine = await send(bruno, roomId, 'à voir');
    expect((await (await bruno.patch(`/messages/${mine.id}`, { content: '<@all> à voir' })).json()).mentions).toEqual([]);
  });

  it('takes a deleted message out of the counts', async () => {
    const roomId = await group('Suppression');
    const m = await send(alice, roomId, '<@2> <@3> urgent');
    expect(await mentionCount(bruno, roomId)).toBe(1);
    expect((await alice.delete(`/messages/${m.id}`)).status).toBe(200);
    expect(await mentionCount(bruno, roomId)).toBe(0);
    expect(await mentionCount(chloe, roomId)).toBe(0);
    const page = await (await bruno.get(`/rooms/${roomId}/messages`)).json();
    expect(page.messages.find((x: Message) => x.id === m.id).mentions).toEqual([]);
    const left = await server.testDb.exec('SELECT COUNT(*) AS n FROM chat_mentions WHERE message_id = ?', [m.id]);
    expect(Number(left[0].n)).toBe(0);
  });

  it('mentions nobody outside the room, even someone named in another room', async () => {
    const roomId = await group('Fermé');
    const m = await send(alice, roomId, 'cc <@4>');
    expect(m.mentions).toEqual([]);
    const direct = (await (await david.post('/rooms', { type: 'direct', userId: 1 })).json()).id;
    expect(await mentionCount(david, direct)).toBe(0);
  });
});
