import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { samples } from './fixtures/files';
import { createTestDb, DIALECTS, mint, type TestDb } from './harness';
import { eventually, sleep, startInstance, type Instance } from './events-harness';
import type { EventStream } from './sse-client';

/*
 * What the outbox keeps is what a live reader may still see: an edit or a
 * deletion rewrites the earlier events of the message (and the quotes of it in
 * replies), and a member's feed starts when they joined.
 */
describe.each(DIALECTS)('the outbox on %s', (dialect) => {
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
  /** The outbox's rows, as stored. */
  const stored = async () => (await testDb.exec('SELECT data FROM chat_events')).map((r) => String(r.data)).join('\n');

  it('keeps no earlier text of an edited message, no deleted message and no name of its files, in any replay', async () => {
    const room = await inst.group(1, 'Confidentiel', [2]);
    const bruno = await listen(2);
    const start = await inst.send(1, room.id, 'début');
    const from = (await bruno.waitFor((e) => e.json?.id === start.id)).id!;
    bruno.close();

    const secret = await inst.send(1, room.id, 'le code du coffre est 4512');
    const reply = await inst.call(2, 'POST', `/rooms/${room.id}/messages`, { content: 'noté', clientId: 'quote-1', replyToId: secret.id });
    expect(reply.body.replyTo.excerpt).toContain('4512');
    const form = new FormData();
    form.set('clientId', 'file-1');
    form.set('content', 'le contrat signé');
    form.append('files', new Blob([Buffer.from((await samples()).pdf)]), 'Contrat-Dupont-confidentiel.pdf');
    const withFile = await (await fetch(`${inst.url}/rooms/${room.id}/messages`, {
      method: 'POST', body: form, headers: { Authorization: `Bearer ${await mint({ sub: '1' })}` },
    })).json();
    expect(withFile.attachments).toHaveLength(1);
    expect(await stored()).toContain('4512');

    expect((await inst.call(1, 'PATCH', `/messages/${secret.id}`, { content: 'message retiré' })).status).toBe(200);
    expect((await inst.call(1, 'DELETE', `/messages/${withFile.id}`)).status).toBe(200);

    // Resumed from before them all: the created events carry what the messages are now.
    const again = await listen(2, from);
    const last = await inst.send(1, room.id, 'fin');
    await again.waitFor((e) => e.json?.id === last.id);
    const text = again.events.map((e) => e.data).join('\n');
    for (const gone of ['4512', 'Contrat-Dupont', 'le contrat signé']) expect(text).not.toContain(gone);
    const created = again.events.filter((e) => e.event === 'message.created');
    expect(created.find((e) => e.json.id === secret.id)?.json).toMatchObject({ content: 'message retiré', editedAt: expect.any(String) });
    expect(created.find((e) => e.json.id === reply.body.id)?.json.replyTo).toMatchObject({ id: secret.id, excerpt: 'message retiré' });
    expect(created.find((e) => e.json.id === withFile.id)?.json).toMatchObject({ content: '', attachments: [], deletedAt: expect.any(String) });
    for (const gone of ['4512', 'Contrat-Dupont', 'le contrat signé']) expect(await stored()).not.toContain(gone);
  });

  it("replays nothing of a room from before the reader joined it", async () => {
    const channel = (await inst.call(1, 'POST', '/rooms', { type: 'channel', name: 'Annonces', memberIds: [] })).body;
    const before = await inst.send(1, channel.id, 'annonce réservée aux premiers');
    await inst.call(1, 'PATCH', `/rooms/${channel.id}`, { name: 'Annonces officielles' });
    const group = await inst.group(1, 'Plus tard', [3]);
    const early = await inst.send(1, group.id, 'avant David');

    expect((await inst.call(4, 'POST', `/rooms/${channel.id}/join`)).status).toBe(200);
    expect((await inst.call(1, 'POST', `/rooms/${group.id}/members`, { userId: 4 })).status).toBe(201);
    const after = await inst.send(1, channel.id, 'bienvenue');
    const later = await inst.send(3, group.id, 'après David');

    // From the very first event: what happened in both rooms before David came is not his feed's.
    const david = await listen(4, '0');
    await david.waitFor((e) => e.json?.id === later.id);
    await sleep(200);
    const seen = david.events.map((e) => [e.event, e.json.system?.action ?? e.json.id ?? e.json.userId]);
    // His arrival in each room, told as an event and as the room's system line, then what was said after.
    expect(seen).toEqual([
      ['member.added', 4],
      ['message.created', 'member.added'],
      ['member.added', 4],
      ['message.created', 'member.added'],
      ['message.created', after.id],
      ['message.created', later.id],
    ]);
    expect(david.events.map((e) => e.data).join('\n')).not.toMatch(/premiers|avant David|officielles/);
    // Their history is the REST API's.
    const said = async (roomId: number) => ((await inst.call(4, 'GET', `/rooms/${roomId}/messages`)).body.messages as { id: number; type: string }[])
      .filter((m) => m.type !== 'system').map((m) => m.id);
    expect(await said(channel.id)).toEqual([before.id, after.id]);
    expect(await said(group.id)).toEqual([early.id, later.id]);
  });

  it('delivers live nothing of a room from before the reader joined it, even in the batch that brings their arrival', async () => {
    // A second instance reads the outbox only on its slow poll: the message and the join reach it in one read.
    const slow = await startInstance(testDb, { pollMs: 1500 });
    try {
      const channel = (await inst.call(1, 'POST', '/rooms', { type: 'channel', name: 'Flash', memberIds: [] })).body;
      const david = await slow.listen(4);
      const before = await inst.send(1, channel.id, 'juste avant');
      expect((await inst.call(4, 'POST', `/rooms/${channel.id}/join`)).status).toBe(200);
      const after = await inst.send(1, channel.id, 'juste après');
      await david.waitFor((e) => e.json?.id === after.id, { timeout: 5000 });
      expect(david.events.map((e) => e.json.system?.action ?? e.json.id ?? e.json.userId)).toEqual([4, 'member.added', after.id]);
      expect(david.events.some((e) => e.json.id === before.id)).toBe(false);
      david.close();
    } finally {
      await slow.close();
    }
  });
});
