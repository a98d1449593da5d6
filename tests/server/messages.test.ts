import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView as Message } from '../../server/services/views';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';

interface Page { messages: Message[]; hasMore: boolean }

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe.each(DIALECTS)('messages on %s', (dialect) => {
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

  /** A group created by Alice (its admin) with these members. */
  async function group(name: string, memberIds: number[], by = alice): Promise<number> {
    const res = await by.post('/rooms', { type: 'group', name, memberIds });
    expect(res.status).toBe(201);
    return (await res.json()).id;
  }

  /** Sends a message and expects it created. */
  async function send(who: Client, roomId: number, content: string, extra: Record<string, unknown> = {}): Promise<Message> {
    const res = await who.post(`/rooms/${roomId}/messages`, { content, clientId: `c${++clientIds}`, ...extra });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json();
  }

  async function page(who: Client, roomId: number, query = ''): Promise<Page> {
    const res = await who.get(`/rooms/${roomId}/messages${query}`);
    expect(res.status).toBe(200);
    return res.json();
  }

  const contents = (p: Page) => p.messages.map((m) => m.content);

  async function unread(who: Client, roomId: number): Promise<number> {
    const rooms = await (await who.get('/rooms')).json();
    return rooms.find((r: { id: number }) => r.id === roomId).unreadCount;
  }

  describe('pages', () => {
    let roomId: number;
    let sent: Message[];
    beforeAll(async () => {
      roomId = await group('Pages', [2]);
      sent = [];
      for (let i = 1; i <= 120; i++) sent.push(await send(i % 2 ? alice : bruno, roomId, `m${i}`));
    });
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

    it('gives ids that grow in send order', () => {
      const ids = sent.map((m) => m.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(120);
    });

    it('opens on the 50 newest messages, oldest first, saying there are more', async () => {
      const first = await page(bruno, roomId);
      expect(contents(first)).toEqual(range(71, 120));
      expect(first.hasMore).toBe(true);
    });

    it('walks back with before= to the very first message', async () => {
      let p = await page(alice, roomId);
      const seen = [...p.messages];
      const pages = [p];
      while (p.hasMore) {
        p = await page(alice, roomId, `?before=${p.messages[0].id}`);
        pages.push(p);
        seen.unshift(...p.messages);
      }
      // The 120 messages, after the one that tells the group was created.
      expect(pages.map((x) => x.messages.length)).toEqual([50, 50, 21]);
      expect(contents(pages[1])).toEqual(range(21, 70));
      expect(pages.at(-1)!.hasMore).toBe(false);
      const [created, ...rest] = seen;
      expect(created).toMatchObject({ type: 'system', system: { action: 'room.created', actorId: 1, name: 'Pages' } });
      expect(rest.map((m) => m.id)).toEqual(sent.map((m) => m.id));
      const beforeFirst = await page(alice, roomId, `?before=${created.id}`);
      expect(beforeFirst).toEqual({ messages: [], hasMore: false });
    });

    it('reads forward with after=', async () => {
      const next = await page(alice, roomId, `?after=${sent[9].id}&limit=5`);
      expect(contents(next)).toEqual(range(11, 15));
      expect(next.hasMore).toBe(true);
      const last = await page(alice, roomId, `?after=${sent[115].id}`);
      expect(contents(last)).toEqual(range(117, 120));
      expect(last.hasMore).toBe(false);
      expect(await page(alice, roomId, `?after=${sent[119].id}`)).toEqual({ messages: [], hasMore: false });
    });

    it('gives at most 100 messages a page', async () => {
      const big = await page(alice, roomId, '?limit=100');
      expect(contents(big)).toEqual(range(21, 120));
      expect(big.hasMore).toBe(true);
      await expectProblem(await alice.get(`/rooms/${roomId}/messages?limit=101`), 400);
      await expectProblem(await alice.get(`/rooms/${roomId}/messages?limit=0`), 400);
    });

    it('shows nothing of the room to someone outside it', async () => {
      await expectProblem(await david.get(`/rooms/${roomId}/messages`), 404);
    });
  });

  describe('sending', () => {
    let roomId: number;
    let otherRoomId: number;
    beforeAll(async () => {
      roomId = await group('Envois', [2, 3]);
      otherRoomId = await group('Ailleurs', [2]);
    });

    it('answers 201 with the message as the API describes it', async () => {
      const before = Date.now();
      const res = await alice.post(`/rooms/${roomId}/messages`, { content: 'Bonjour à tous 👋', clientId: 'send-shape' });
      expect(res.status).toBe(201);
      const msg: Message = await res.json();
      expect(msg).toMatchObject({
        id: expect.any(Number), roomId, senderId: 1, senderName: 'Alice Martin',
        content: 'Bonjour à tous 👋', type: 'text', attachments: [], clientId: 'send-shape',
      });
      expect(msg.createdAt).toMatch(ISO_UTC);
      expect(Math.abs(Date.parse(msg.createdAt) - before)).toBeLessThan(5_000);
      expect(msg.replyTo ?? null).toBeNull();
      expect(msg.editedAt ?? null).toBeNull();
      expect(msg.deletedAt ?? null).toBeNull();
      expect((await page(bruno, roomId)).messages.at(-1)).toEqual(msg);
    });

    it('answers the first message again, with 200, when the same clientId is resent', async () => {
      const first = await alice.post(`/rooms/${roomId}/messages`, { content: 'Une seule fois', clientId: 'resend-1' });
      expect(first.status).toBe(201);
      const original = await first.json();
      const count = (await page(alice, roomId)).messages.length;
      const again = await alice.post(`/rooms/${roomId}/messages`, { content: 'Une seule fois (bis)', clientId: 'resend-1' });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(original);
      expect((await page(alice, roomId)).messages).toHaveLength(count);
    });

    it('lets another sender use the same clientId', async () => {
      await alice.post(`/rooms/${roomId}/messages`, { content: 'De moi', clientId: 'shared-id' });
      const res = await bruno.post(`/rooms/${roomId}/messages`, { content: 'De Bruno', clientId: 'shared-id' });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ senderId: 2, content: 'De Bruno' });
    });

    it('refuses a clientId already used in another room (409) and creates nothing', async () => {
      expect((await alice.post(`/rooms/${roomId}/messages`, { content: 'Ici', clientId: 'room-bound' })).status).toBe(201);
      await expectProblem(await alice.post(`/rooms/${otherRoomId}/messages`, { content: 'Là', clientId: 'room-bound' }), 409);
      expect(contents(await page(alice, otherRoomId))).not.toContain('Là');
    });

    it('creates one message from ten simultaneous sends of one clientId', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        alice.post(`/rooms/${roomId}/messages`, { content: `Rafale ${i}`, clientId: 'burst' })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const ids = new Set(await Promise.all(results.map(async (r) => (await r.json()).id)));
      expect(ids.size).toBe(1);
      const inPage = (await page(alice, roomId)).messages.filter((m) => m.clientId === 'burst');
      expect(inPage.map((m) => m.id)).toEqual([...ids]);
    });

    it('creates one message when one clientId races into two rooms', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        alice.post(`/rooms/${i % 2 ? otherRoomId : roomId}/messages`, { content: `Course ${i}`, clientId: 'two-rooms' })));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      const winner = results.findIndex((r) => r.status === 201) % 2;
      // Sends to the winner's room get the message again; those to the other room are refused.
      expect(statuses.filter((_, i) => i % 2 === winner).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(statuses.filter((_, i) => i % 2 !== winner)).toEqual([409, 409, 409, 409, 409]);
      const [here, there] = await Promise.all([page(alice, roomId, '?limit=100'), page(alice, otherRoomId, '?limit=100')]);
      expect([...here.messages, ...there.messages].filter((m) => m.clientId === 'two-rooms')).toHaveLength(1);
    });

    it('keeps the order of sends from several people at once', async () => {
      const ordered: number[] = [];
      for (let round = 0; round < 3; round++) {
        const burst = await Promise.all([alice, bruno, chloe].map((who, i) => send(who, roomId, `ordre ${round}.${i}`)));
        ordered.push(...burst.map((m) => m.id).sort((a, b) => a - b));
      }
      // Every round was answered before the next began: its ids are all above the previous round's.
      expect(ordered).toEqual([...ordered].sort((a, b) => a - b));
      const listed = (await page(alice, roomId, '?limit=9')).messages.map((m) => m.id);
      expect(listed).toEqual(ordered);
    });

    it('quotes the message replied to', async () => {
      const long = `Le devis du transporteur ${'très détaillé '.repeat(40)}`;
      const original = await send(alice, roomId, long);
      const reply = await send(bruno, roomId, 'Bien reçu', { replyToId: original.id });
      expect(reply.replyTo).toMatchObject({ id: original.id, senderName: 'Alice Martin' });
      const { excerpt } = reply.replyTo!;
      expect(excerpt.length).toBeGreaterThan(0);
      expect(excerpt.length).toBeLessThan(long.length);
      expect(long.startsWith(excerpt.replace(/…$/, ''))).toBe(true);
      const listed = (await page(chloe, roomId)).messages.find((m) => m.id === reply.id);
      expect(listed?.replyTo).toEqual(reply.replyTo);
    });

    it('refuses a reply to a message of another room (400) and creates nothing', async () => {
      const elsewhere = await send(alice, otherRoomId, 'Message d’une autre salle');
      const count = (await page(alice, roomId, '?limit=100')).messages.length;
      await expectProblem(await bruno.post(`/rooms/${roomId}/messages`, { content: 'Réponse', clientId: 'bad-reply', replyToId: elsewhere.id }), 400);
      expect((await page(alice, roomId, '?limit=100')).messages).toHaveLength(count);
    });

    it('refuses a sender who is not in the room (404), whatever the reply or clientId tells', async () => {
      await expectProblem(await david.post(`/rooms/${roomId}/messages`, { content: 'Intrus', clientId: 'intrus' }), 404);
      // Neither a reply to one of its messages nor a clientId David already used elsewhere tells him more.
      const inside = await send(alice, roomId, 'Interne');
      await expectProblem(await david.post(`/rooms/${roomId}/messages`, { content: 'Intrus', clientId: 'intrus-2', replyToId: inside.id }), 404);
      await expectProblem(await david.post(`/rooms/${roomId}/messages`, { content: 'Intrus', clientId: 'intrus-3', replyToId: 987654 }), 404);
      const own = (await (await david.post('/rooms', { type: 'direct', userId: 3 })).json()) as { id: number };
      await send(david, own.id, 'À Chloé', { clientId: 'reused' });
      await expectProblem(await david.post(`/rooms/${roomId}/messages`, { content: 'Intrus', clientId: 'reused' }), 404);
      await expectProblem(await david.post('/rooms/987654/messages', { content: 'Intrus', clientId: 'reused' }), 404);
      expect(contents(await page(alice, roomId))).not.toContain('Intrus');
    });

    it('needs chat.create to send', async () => {
      const reader = await server.as(2, ['chat.read']);
      await expectProblem(await reader.post(`/rooms/${roomId}/messages`, { content: 'Sans droit', clientId: 'no-perm' }), 403);
      expect(contents(await page(alice, roomId))).not.toContain('Sans droit');
    });
  });

  describe('editing and deleting', () => {
    let roomId: number;
    beforeAll(async () => {
      roomId = await group('Corrections', [2, 3]);
      const res = await alice.patch(`/rooms/${roomId}/members/3`, { role: 'moderator' });
      expect(res.status).toBe(200);
    });

    it('lets me edit my own message', async () => {
      const msg = await send(alice, roomId, 'Rendez-vous à 10h');
      const res = await alice.patch(`/messages/${msg.id}`, { content: 'Rendez-vous à 11h' });
      expect(res.status).toBe(200);
      const edited: Message = await res.json();
      expect(edited).toMatchObject({ id: msg.id, content: 'Rendez-vous à 11h', createdAt: msg.createdAt });
      expect(edited.editedAt).toMatch(ISO_UTC);
      expect((await page(bruno, roomId)).messages.find((m) => m.id === msg.id)).toEqual(edited);
    });

    it("refuses to edit someone else's message (403)", async () => {
      const msg = await send(alice, roomId, 'Texte d’Alice');
      await expectProblem(await bruno.patch(`/messages/${msg.id}`, { content: 'Modifié par Bruno' }), 403);
      await expectProblem(await chloe.patch(`/messages/${msg.id}`, { content: 'Modifié par Chloé' }), 403);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)?.content).toBe('Texte d’Alice');
    });

    it('hides the message from someone outside the room (404)', async () => {
      const msg = await send(alice, roomId, 'Confidentiel');
      await expectProblem(await david.patch(`/messages/${msg.id}`, { content: 'Vu' }), 404);
      await expectProblem(await david.delete(`/messages/${msg.id}`), 404);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)?.content).toBe('Confidentiel');
    });

    it('deletes my own message, leaving a placeholder in the page', async () => {
      const msg = await send(alice, roomId, 'Oups, mauvaise salle');
      const after = await send(bruno, roomId, 'Message suivant');
      const res = await alice.delete(`/messages/${msg.id}`);
      expect(res.status).toBe(200);
      const deleted: Message = await res.json();
      expect(deleted).toMatchObject({ id: msg.id, content: '' });
      expect(deleted.deletedAt).toMatch(ISO_UTC);
      const listed = (await page(bruno, roomId)).messages;
      expect(listed.find((m) => m.id === msg.id)).toMatchObject({ content: '', deletedAt: deleted.deletedAt });
      expect(listed.at(-1)?.id).toBe(after.id);
    });

    it('refuses to edit a deleted message (409)', async () => {
      const msg = await send(alice, roomId, 'Bientôt supprimé');
      expect((await alice.delete(`/messages/${msg.id}`)).status).toBe(200);
      await expectProblem(await alice.patch(`/messages/${msg.id}`, { content: 'Ressuscité' }), 409);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)?.content).toBe('');
    });

    it("refuses a plain member deleting someone else's message (403)", async () => {
      const msg = await send(alice, roomId, 'À garder');
      await expectProblem(await bruno.delete(`/messages/${msg.id}`), 403);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)).toMatchObject({ content: 'À garder', deletedAt: null });
    });

    it("lets a moderator of the room delete anyone's message", async () => {
      const msg = await send(bruno, roomId, 'Propos déplacé');
      const res = await chloe.delete(`/messages/${msg.id}`);
      expect(res.status).toBe(200);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)).toMatchObject({ content: '', deletedAt: expect.stringMatching(ISO_UTC) });
    });

    it('needs chat.update to edit and chat.delete to delete my own message', async () => {
      const msg = await send(bruno, roomId, 'Sous contrôle');
      const limited = await server.as(2, ['chat.read', 'chat.create']);
      await expectProblem(await limited.patch(`/messages/${msg.id}`, { content: 'Changé' }), 403);
      await expectProblem(await limited.delete(`/messages/${msg.id}`), 403);
      expect((await page(alice, roomId)).messages.find((m) => m.id === msg.id)).toMatchObject({ content: 'Sous contrôle', deletedAt: null });
    });
  });

  describe('read markers', () => {
    it('counts down the unread messages as I read, and never moves back', async () => {
      const roomId = await group('Lecture', [2]);
      const m: Message[] = [];
      for (let i = 1; i <= 12; i++) m.push(await send(alice, roomId, `lecture ${i}`));
      expect(await unread(bruno, roomId)).toBe(12);

      const res = await bruno.post(`/rooms/${roomId}/read`, { messageId: m[9].id });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ roomId, userId: 2, messageId: m[9].id });
      expect(await unread(bruno, roomId)).toBe(2);

      const back = await bruno.post(`/rooms/${roomId}/read`, { messageId: m[4].id });
      expect(back.status).toBe(200);
      expect((await back.json()).messageId).toBe(m[9].id);
      expect(await unread(bruno, roomId)).toBe(2);
      const { members } = await (await bruno.get(`/rooms/${roomId}`)).json();
      expect(members.find((x: { userId: number }) => x.userId === 2)).toMatchObject({ lastReadMessageId: m[9].id, lastReadAt: expect.stringMatching(ISO_UTC) });

      expect((await bruno.post(`/rooms/${roomId}/read`, { messageId: m[11].id })).status).toBe(200);
      expect(await unread(bruno, roomId)).toBe(0);
      expect((await (await bruno.get('/rooms?filter=unread')).json()).map((r: { id: number }) => r.id)).not.toContain(roomId);
    });

    it('does not count my own messages nor deleted ones', async () => {
      const roomId = await group('Non lus', [2]);
      const mine = [await send(alice, roomId, 'un'), await send(alice, roomId, 'deux'), await send(alice, roomId, 'trois')];
      expect(await unread(alice, roomId)).toBe(0);
      expect(await unread(bruno, roomId)).toBe(3);
      expect((await alice.delete(`/messages/${mine[1].id}`)).status).toBe(200);
      expect(await unread(bruno, roomId)).toBe(2);
      expect(await unread(alice, roomId)).toBe(0);
    });

    it('refuses a marker on a message of another room (400), or in a room I am not in (404)', async () => {
      const roomId = await group('Marqueurs', [2]);
      const otherId = await group('Autre', [2]);
      const here = await send(alice, roomId, 'ici');
      const there = await send(alice, otherId, 'là-bas');
      await expectProblem(await bruno.post(`/rooms/${roomId}/read`, { messageId: there.id }), 400);
      await expectProblem(await david.post(`/rooms/${roomId}/read`, { messageId: here.id }), 404);
      expect(await unread(bruno, roomId)).toBe(1);
    });
  });

  describe('search', () => {
    let roomId: number;
    let secretRoomId: number;
    const m: Record<string, Message> = {};
    beforeAll(async () => {
      roomId = await group('Recherche', [2]);
      secretRoomId = await group('Secret', [4], bruno);
      m.invoice = await send(alice, roomId, 'La facture du fournisseur est arrivée');
      m.coffee = await send(bruno, roomId, 'Le café du matin est prêt');
      m.meeting = await send(alice, roomId, 'Réunion fournisseur demain');
      m.paid = await send(bruno, roomId, 'Facture payée hier');
      m.secret = await send(bruno, secretRoomId, 'Facture secrète du fournisseur');
    });

    async function search(who: Client, query: string): Promise<number[]> {
      const res = await who.get(`/search?${query}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()).map((x: Message) => x.id);
    }

    it('finds the messages of my rooms containing the words, newest first', async () => {
      expect(await search(alice, 'q=facture')).toEqual([m.paid.id, m.invoice.id]);
      expect(await search(alice, 'q=facture%20fournisseur')).toEqual([m.invoice.id]);
      expect(await search(alice, 'q=FOURNISSEUR')).toEqual([m.meeting.id, m.invoice.id]);
      expect(await search(bruno, 'q=facture')).toEqual([m.secret.id, m.paid.id, m.invoice.id]);
    });

    it('answers the found messages whole', async () => {
      const messages = await (await alice.get('/search?q=matin')).json();
      expect(messages).toEqual([m.coffee]);
    });

    it('ignores accents', async () => {
      expect(await search(alice, 'q=cafe')).toEqual([m.coffee.id]);
      expect(await search(alice, 'q=reunion')).toEqual([m.meeting.id]);
      expect(await search(alice, `q=${encodeURIComponent('prêt')}`)).toEqual([m.coffee.id]);
      expect(await search(alice, `q=${encodeURIComponent('PAYÉE')}`)).toEqual([m.paid.id]);
    });

    it('finds English phrasing with common words on both engines', async () => {
      const en = await send(bruno, roomId, 'Where is the shipping label? It was with the parcel');
      expect(await search(alice, 'q=the%20shipping%20label')).toEqual([en.id]);
      expect(await search(alice, 'q=where%20is%20the%20parcel')).toEqual([en.id]);
      expect(await search(alice, 'q=label%20with')).toEqual([en.id]);
      expect(await search(alice, 'q=where')).toEqual([en.id]);
      expect(await search(alice, 'q=the%20invoice')).toEqual([]);
    });

    it('reads search syntax in q as plain words', async () => {
      for (const q of ['"facture', 'fournisseur*', '+facture -fournisseur', '(facture)', 'facture OR fournisseur', "l'fournisseur", 'facture\\', '@facture~']) {
        const res = await alice.get(`/search?q=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(200);
        expect((await res.json()).map((x: Message) => x.id), q).toContain(m.invoice.id);
      }
    });

    it('never shows a message of a room I am not in', async () => {
      expect(await search(bruno, 'q=secrete')).toEqual([m.secret.id]);
      expect(await search(alice, 'q=secrete')).toEqual([]);
      expect(await search(chloe, 'q=facture')).toEqual([]);
      await expectProblem(await alice.get(`/search?q=facture&roomId=${secretRoomId}`), 404);
      await expectProblem(await alice.get('/search?q=facture&roomId=987654'), 404);
    });

    it('searches one room when asked', async () => {
      expect(await search(bruno, `q=fournisseur&roomId=${secretRoomId}`)).toEqual([m.secret.id]);
      expect(await search(bruno, `q=fournisseur&roomId=${roomId}`)).toEqual([m.meeting.id, m.invoice.id]);
    });

    it('looks for short words when the query has nothing longer', async () => {
      const po = await send(bruno, roomId, 'PO 42 validé par la douane');
      expect(await search(alice, 'q=po')).toEqual([po.id]);
      expect(await search(alice, 'q=PO%2042')).toEqual([po.id]);
      expect(await search(alice, 'q=42')).toEqual([po.id]);
      // With a longer word, the short ones are left out: "la" does not narrow "facture".
      expect(await search(alice, 'q=la%20facture')).toEqual(await search(alice, 'q=facture'));
    });

    it('refuses a query without a letter or digit to look for (400)', async () => {
      await expectProblem(await alice.get('/search?q=%21%3F%20%2A'), 400);
      await expectProblem(await alice.get('/search?q='), 400);
      await expectProblem(await alice.get('/search'), 400);
      await expectProblem(await alice.get('/search?q=facture&roomId=abc'), 400);
      await expectProblem(await alice.get(`/search?q=${'facture'.repeat(40)}`), 400);
    });

    it('follows edits and deletions', async () => {
      const msg = await send(alice, roomId, 'Inventaire du entrepôt jeudi');
      expect(await search(alice, 'q=inventaire')).toEqual([msg.id]);
      expect((await alice.patch(`/messages/${msg.id}`, { content: 'Inventaire reporté à vendredi' })).status).toBe(200);
      expect(await search(alice, 'q=jeudi')).toEqual([]);
      expect(await search(alice, 'q=vendredi')).toEqual([msg.id]);
      expect((await alice.delete(`/messages/${msg.id}`)).status).toBe(200);
      expect(await search(alice, 'q=inventaire')).toEqual([]);
      expect((await bruno.delete(`/messages/${m.paid.id}`)).status).toBe(200);
      expect(await search(alice, 'q=facture')).toEqual([m.invoice.id]);
    });
  });
});

describe.each(DIALECTS)('finding a message in its context on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client;
  let roomId: number;
  const sent: { id: number; content: string }[] = [];
  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe] = await Promise.all([1, 2, 3].map((id) => server.as(id)));
    roomId = (await (await alice.post('/rooms', { type: 'group', name: 'Archives', memberIds: [2] })).json()).id;
    for (let i = 1; i <= 120; i++) {
      const content = i === 37 ? 'le conteneur MSKU4815162 est au Havre' : `message ${i}`;
      sent.push(await (await alice.post(`/rooms/${roomId}/messages`, { content, clientId: `ctx-${i}` })).json());
    }
  });
  afterAll(() => server?.close());

  it('opens a page around a message, and pages both ways from there', async () => {
    const [found] = await (await bruno.get('/search?q=conteneur')).json();
    expect(found).toMatchObject({ roomId, content: 'le conteneur MSKU4815162 est au Havre' });
    const page = await (await bruno.get(`/rooms/${roomId}/messages?around=${found.id}&limit=21`)).json();
    expect(page.messages).toHaveLength(21);
    expect(page.messages[10].id).toBe(found.id);
    expect(page).toMatchObject({ hasMore: true, hasNewer: true });
    const older = await (await bruno.get(`/rooms/${roomId}/messages?before=${page.messages[0].id}&limit=50`)).json();
    const newer = await (await bruno.get(`/rooms/${roomId}/messages?after=${page.messages.at(-1).id}&limit=100`)).json();
    // The page, what is before and what is after make the whole room once: its creation and the 120 messages.
    const all = [...older.messages, ...page.messages, ...newer.messages].map((m: { id: number }) => m.id);
    expect(all).toHaveLength(121);
    expect(all.slice(1)).toEqual(sent.map((m) => m.id));
    expect([older.hasMore, newer.hasMore]).toEqual([false, false]);
  });

  it('says when the message is at an end, and answers 404 for a message of another room', async () => {
    const last = await (await bruno.get(`/rooms/${roomId}/messages?around=${sent.at(-1)!.id}&limit=10`)).json();
    expect(last.messages.at(-1).id).toBe(sent.at(-1)!.id);
    expect(last.hasNewer).toBe(false);
    const other = (await (await chloe.post('/rooms', { type: 'direct', userId: 1 })).json()).id;
    const elsewhere = await (await chloe.post(`/rooms/${other}/messages`, { content: 'ailleurs', clientId: 'ctx-x' })).json();
    await expectProblem(await bruno.get(`/rooms/${roomId}/messages?around=${elsewhere.id}`), 404);
    await expectProblem(await bruno.get(`/rooms/${roomId}/messages?around=99999999`), 404);
  });

  it('pages search results with before=', async () => {
    const first = await (await bruno.get('/search?q=message&limit=50')).json();
    expect(first).toHaveLength(50);
    const next = await (await bruno.get(`/search?q=message&limit=50&before=${first.at(-1).id}`)).json();
    const rest = await (await bruno.get(`/search?q=message&limit=50&before=${next.at(-1).id}`)).json();
    const ids = [...first, ...next, ...rest].map((m: { id: number }) => m.id);
    expect(ids).toHaveLength(119);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(119);
    expect((await (await bruno.get('/search?q=message')).json())).toHaveLength(20);
    await expectProblem(await bruno.get('/search?q=message&limit=51'), 400);
  });
});
