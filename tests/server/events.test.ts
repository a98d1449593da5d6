import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { createTestDb, DIALECTS, mint, startServer, type TestDb } from './harness';
import { eventually, sleep, startInstance, type Instance } from './events-harness';
import { openEvents, type EventStream } from './sse-client';
import { recordEvents, withHub } from '../../server/events/outbox';
import { createHub, type Hub, type Subscriber } from '../../server/events/hub';
import { streamToNode } from '../../server/events/stream';
import type { AddressInfo } from 'node:net';

describe.each(DIALECTS)('the event feed on %s', (dialect) => {
  let testDb: TestDb;
  let inst: Instance;
  const open: EventStream[] = [];

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    inst = await startInstance(testDb, { keepAliveMs: 200, pollMs: 200, recheckMs: 500 }, { CORS_ORIGINS: 'https://host.example' });
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
  const group: Instance['group'] = (...args) => inst.group(...args);
  const send: Instance['send'] = (...args) => inst.send(...args);
  const ofRoom = (s: EventStream, roomId: number) => s.events.filter((e) => (e.json?.roomId ?? e.json?.id) === roomId);

  it('answers with an event stream, its headers, a retry hint and keep-alive comments', async () => {
    const s = await inst.events(1, { headers: { Origin: 'https://host.example' } });
    open.push(s);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toBe('no-cache');
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    // A widget on the host's pages reads the stream cross-origin.
    expect(s.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect(s.headers.get('access-control-expose-headers')).toMatch(/chat-last-event-id/i);
    await eventually(() => s.comments.length >= 2, 3000, 'two keep-alive comments');
    expect(s.comments[0].trim()).toBe('keep-alive');
    expect(s.retry).toBe(3000);
  });

  it('refuses a request without a token (401) or without chat.read (403)', async () => {
    const res = await fetch(`${inst.url}/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const s = await inst.events(1, { perms: ['chat.create'] });
    expect(s.status).toBe(403);
  });

  it("writes a commit's events to a stream in one write, before the committing request goes on", async () => {
    const room = await group(1, 'Une seule écriture', [2]);
    const writes: string[] = [];
    // Only the writes that carry these events: keep-alive comments and presence come on timers of their own.
    const sub: Subscriber = {
      userId: 2, open: true, drained: async () => {}, close() {},
      write: (c) => { const text = Buffer.from(c).toString(); if (text.includes('event: reaction.added')) writes.push(text); return true; },
    };
    // A hub of its own, which looks at the outbox only when woken: nothing else delivers meanwhile.
    const hub = createHub({ db: inst.db, pollMs: 60_000 });
    const off = await hub.subscribe(sub);
    const db = withHub(inst.db, hub);
    const commit = (...texts: string[]) => db.transaction((tx) => recordEvents(tx, texts.map((content) => ({ roomId: room.id, type: 'reaction.added' as const, data: { roomId: room.id, content } }))));
    try {
      // The first after the stream came reads who is in the room; from then on, nothing stands between a commit and its writes.
      await commit('premier');
      await eventually(() => writes.some((w) => w.includes('premier')));
      writes.length = 0;
      await commit('deux', 'trois');
      expect(writes).toHaveLength(1);
      expect([...writes[0].matchAll(/^event: reaction\.added$/gm)]).toHaveLength(2);
      expect(writes[0]).toMatch(/deux[\s\S]*trois/);
    } finally {
      off();
      await hub.close();
    }
  });

  it('delivers a message to the members of its room and to no one else', async () => {
    const room = await group(1, 'Ventes', [2]);
    const [alice, bruno, chloe] = [await listen(1), await listen(2), await listen(3)];
    const sent = await send(1, room.id, 'La facture est prête');
    const got = await bruno.waitFor((e) => e.event === 'message.created');
    expect(got.json).toEqual(sent);
    expect(Number(got.id)).toBeGreaterThan(0);
    await alice.waitFor((e) => e.event === 'message.created' && e.json.id === sent.id);
    // Chloé's first event is one of a room she is in: nothing of Ventes came before it.
    const direct = await inst.call(1, 'POST', '/rooms', { type: 'direct', userId: 3 });
    const hello = await send(1, direct.body.id, 'Bonjour Chloé');
    const first = await chloe.waitFor((e) => e.event === 'message.created');
    expect(first.json.id).toBe(hello.id);
    expect(ofRoom(chloe, room.id)).toEqual([]);
  });

  it('delivers content that looks like SSE as one message, forging nothing', async () => {
    const room = await group(1, 'Forge', [2]);
    const bruno = await listen(2);
    const content = 'ok\n\nid: 999\nevent: room.deleted\ndata: {}\n\n\r\ndata: x\r\rid: 1000';
    const sent = await send(1, room.id, content);
    await send(1, room.id, 'après');
    await bruno.waitForCount(2);
    expect(bruno.events.map((e) => e.event)).toEqual(['message.created', 'message.created']);
    expect(bruno.events[0].json.content).toBe(content);
    expect(bruno.events[0].json.id).toBe(sent.id);
    expect(bruno.events.map((e) => e.id)).not.toContain('999');
  });

  it('tells of reads, renames, members and deleted rooms to the members concerned', async () => {
    const room = await group(1, 'Projet', [2]);
    const alice = await listen(1);
    const chloe = await listen(3);
    const m = await send(2, room.id, 'hello');
    expect((await inst.call(1, 'POST', `/rooms/${room.id}/read`, { messageId: m.id })).status).toBe(200);
    const read = await alice.waitFor((e) => e.event === 'read');
    expect(read.json).toMatchObject({ roomId: room.id, userId: 1, messageId: m.id });
    expect(new Date(read.json.readAt).getTime()).toBeGreaterThan(0);
    expect((await inst.call(1, 'PATCH', `/rooms/${room.id}`, { name: 'Projet X' })).status).toBe(200);
    expect((await alice.waitFor((e) => e.event === 'room.updated')).json).toMatchObject({ id: room.id, name: 'Projet X' });
    expect((await inst.call(1, 'POST', `/rooms/${room.id}/members`, { userId: 3 })).status).toBe(201);
    const added = await chloe.waitFor((e) => e.event === 'member.added');
    expect(added.json).toMatchObject({ roomId: room.id, userId: 3, name: 'Chloé Bernard', role: 'member' });
    expect((await inst.call(1, 'DELETE', `/rooms/${room.id}`)).status).toBe(204);
    // Chloé is no longer a member once the room is gone, yet she hears of it.
    expect((await chloe.waitFor((e) => e.event === 'room.deleted')).json).toEqual({ id: room.id });
    await alice.waitFor((e) => e.event === 'room.deleted');
    const created = await group(2, 'Nouveau', [3]);
    expect((await chloe.waitFor((e) => e.event === 'room.created')).json).toMatchObject({ id: created.id, name: 'Nouveau', type: 'group', createdBy: 2 });
  });

  it('tells of channel joins, role changes, and a direct conversation left and opened again', async () => {
    const channel = (await inst.call(1, 'POST', '/rooms', { type: 'channel', name: 'Général', memberIds: [] })).body;
    const alice = await listen(1);
    const david = await listen(4);
    expect((await inst.call(4, 'POST', `/rooms/${channel.id}/join`)).status).toBe(200);
    const joined = await alice.waitFor((e) => e.event === 'member.added');
    expect(joined.json).toMatchObject({ roomId: channel.id, userId: 4, role: 'member' });
    await david.waitFor((e) => e.event === 'member.added' && e.json.roomId === channel.id);
    // Joining again changes nothing, so it tells nothing.
    expect((await inst.call(4, 'POST', `/rooms/${channel.id}/join`)).status).toBe(200);
    expect((await inst.call(1, 'PATCH', `/rooms/${channel.id}/members/4`, { role: 'moderator' })).status).toBe(200);
    expect((await david.waitFor((e) => e.event === 'room.updated')).json).toMatchObject({ id: channel.id, type: 'channel' });
    expect(david.events.filter((e) => e.event === 'member.added')).toHaveLength(1);

    const direct = (await inst.call(1, 'POST', '/rooms', { type: 'direct', userId: 4 })).body;
    await david.waitFor((e) => e.event === 'room.created' && e.json.id === direct.id);
    // Leaving a direct conversation hides it for David alone: he stays a member, nobody is told.
    expect((await inst.call(4, 'DELETE', `/rooms/${direct.id}/members/4`)).status).toBe(204);
    expect((await inst.call(1, 'POST', '/rooms', { type: 'direct', userId: 4 })).status).toBe(200);
    const m = await send(1, direct.id, 'Tu es là ?');
    await david.waitFor((e) => e.event === 'message.created' && e.json.id === m.id);
    await alice.waitFor((e) => e.event === 'message.created' && e.json.id === m.id);
    expect([...alice.events, ...david.events].filter((e) => e.json?.roomId === direct.id && e.event.startsWith('member.'))).toEqual([]);
  });

  it('stops delivering a room to a removed member at once, live and on replay', async () => {
    const room = await group(1, 'Équipe', [2, 3]);
    const chloe = await listen(3);
    const bruno = await listen(2);
    await send(1, room.id, 'avant');
    const before = await chloe.waitFor((e) => e.event === 'message.created');
    expect((await inst.call(1, 'DELETE', `/rooms/${room.id}/members/3`)).status).toBe(204);
    const removed = await chloe.waitFor((e) => e.event === 'member.removed');
    expect(removed.json).toEqual({ roomId: room.id, userId: 3 });
    const after = await send(1, room.id, 'après');
    await bruno.waitFor((e) => e.json?.id === after.id);
    await sleep(300);
    expect(ofRoom(chloe, room.id).map((e) => e.event)).toEqual(['message.created', 'member.removed']);
    // Replayed from before her removal: only what is hers now.
    chloe.close();
    await eventually(() => inst.hub.stats().subscribers === 1, 5000, "Chloé's first stream to be released");
    const again = await listen(3, before.id);
    await send(2, room.id, 'encore');
    await bruno.waitFor((e) => e.json?.content === 'encore');
    await sleep(300);
    expect(again.events.map((e) => e.event)).toEqual(['member.removed']);
    expect(again.events[0].id).toBe(removed.id);
  });

  it('resumes after a disconnect: 50 missed messages, an edit and a delete, in order, once', async () => {
    const room = await group(1, 'Flux', [2]);
    let bruno = await listen(2);
    const first = await send(1, room.id, 'm0');
    const e0 = await bruno.waitFor((e) => e.json?.id === first.id);
    bruno.close();
    await eventually(() => inst.hub.stats().subscribers === 0);
    const missed = [];
    for (let i = 1; i <= 50; i++) missed.push(await send(1, room.id, `m${i}`));
    expect((await inst.call(1, 'PATCH', `/messages/${missed[9].id}`, { content: 'm10 corrigé' })).status).toBe(200);
    expect((await inst.call(1, 'DELETE', `/messages/${missed[19].id}`)).status).toBe(200);
    bruno = await listen(2, e0.id);
    const live = await send(1, room.id, 'live');
    await bruno.waitFor((e) => e.json?.id === live.id);
    await sleep(300);
    const got = bruno.events;
    expect(got.map((e) => e.event)).toEqual([...Array(50).fill('message.created'), 'message.updated', 'message.deleted', 'message.created']);
    expect(got.slice(0, 50).map((e) => e.json.id)).toEqual(missed.map((m) => m.id));
    expect(got[50].json).toMatchObject({ id: missed[9].id, content: 'm10 corrigé' });
    expect(got[51].json).toMatchObject({ id: missed[19].id, content: '' });
    expect(got[51].json.deletedAt).not.toBeNull();
    const ids = got.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('loses nothing when many rooms send at once, and keeps each room in message order', async () => {
    const rooms: { id: number }[] = [];
    for (let i = 0; i < 8; i++) rooms.push(await group(1 + (i % 3), `Concurrent ${i}`, [1, 2, 3, 4].filter((u) => u !== 1 + (i % 3))));
    const david = await listen(4);
    const sent = (await Promise.all(Array.from({ length: 160 }, (_, i) => send(1 + (i % 3), rooms[i % 8].id, `c${i}`))))
      .map((m) => m.id);
    const got = await david.waitForCount(160, 15_000);
    await sleep(300);
    const created = got.filter((e) => e.event === 'message.created');
    expect(created.map((e) => e.json.id).sort((a, b) => a - b)).toEqual([...sent].sort((a, b) => a - b));
    const ids = got.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const room of rooms) {
      const inRoom = created.filter((e) => e.json.roomId === room.id).map((e) => e.json.id);
      expect(inRoom).toEqual([...inRoom].sort((a, b) => a - b));
    }
  });

  it('tells a fresh stream where it starts, so that a page that saw no event resumes from there', async () => {
    const room = await group(1, 'Quiet', [2]);
    await send(1, room.id, 'avant');
    // Bruno's page is quiet: nothing arrives, yet the head says where the feed stands.
    const quiet = await listen(2);
    const at = quiet.headers.get('chat-last-event-id');
    expect(at).toMatch(/^[0-9]+$/);
    quiet.close();
    const missed = await send(1, room.id, 'pendant la navigation');
    // The next page resumes from that id: what was sent meanwhile, and nothing older, no reset.
    const next = await listen(2, at!);
    await next.waitFor((e) => e.json?.id === missed.id);
    expect(next.events.map((e) => [e.event, e.json?.id])).toEqual([['message.created', missed.id]]);
    expect(next.headers.get('chat-last-event-id')).toBeNull();
  });

  it('tells with the room list the last event it reflects: the feed opened from there misses nothing', async () => {
    const room = await group(1, 'Liste', [2]);
    const listed = await send(1, room.id, 'dans la liste');
    const list = await inst.call(2, 'GET', '/rooms');
    expect(list.body.find((r: { id: number }) => r.id === room.id).lastMessage.id).toBe(listed.id);
    const at = list.headers.get('chat-last-event-id');
    expect(at).toMatch(/^[0-9]+$/);
    // Sent after the list was read and before the feed opens: it must still arrive, and nothing the list had.
    const between = await send(1, room.id, 'entre la liste et le flux');
    const feed = await listen(2, at!);
    await feed.waitFor((e) => e.json?.id === between.id);
    expect(feed.events.map((e) => [e.event, e.json?.id])).toEqual([['message.created', between.id]]);
  });

  it('answers a garbage, future or expired Last-Event-ID with one reset, then goes on live', async () => {
    const room = await group(1, 'Reset', [2]);
    await send(1, room.id, 'ancien');
    const bruno0 = await listen(2);
    const later = await send(1, room.id, 'plus tard');
    const seen = await bruno0.waitFor((e) => e.json?.id === later.id);
    for (const bad of ['abc', '-1', '1e3', '99999999999']) {
      const s = await listen(2, bad);
      const reset = await s.waitFor(() => true);
      expect(reset.event).toBe('reset');
      expect(reset.json).toEqual({});
      expect(Number(reset.id)).toBeGreaterThanOrEqual(Number(seen.id));
      const next = await send(1, room.id, `après ${bad}`);
      await s.waitFor((e) => e.json?.id === next.id);
      expect(s.events.map((e) => e.event)).toEqual(['reset', 'message.created']);
    }
    // Past the retention window: the events before the cut are gone, so is the way to resume from them.
    const { createHub } = await import('../../server/events/hub');
    expect(await createHub({ db: inst.db, retentionMs: -1000 }).prune()).toBeGreaterThan(0);
    const s = await listen(2, String(Number(seen.id) - 1));
    expect((await s.waitFor(() => true)).event).toBe('reset');
  });

  it('sends typing live to the other members only, rate-limited, never replayed', async () => {
    const room = await group(1, 'Typing', [2]);
    const alice = await listen(1);
    const bruno = await listen(2);
    const chloe = await listen(3);
    const marker = await send(2, room.id, 'marker');
    const m = await alice.waitFor((e) => e.json?.id === marker.id);
    const res = await inst.call(1, 'POST', `/rooms/${room.id}/typing`);
    expect(res.status).toBe(204);
    const t = await bruno.waitFor((e) => e.event === 'typing');
    expect(t.json).toEqual({ roomId: room.id, userId: 1, name: 'Alice Martin' });
    expect(t.id).toBeUndefined();
    const again = await inst.call(1, 'POST', `/rooms/${room.id}/typing`);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await inst.call(3, 'POST', `/rooms/${room.id}/typing`)).status).toBe(404);
    await sleep(300);
    expect(alice.events.filter((e) => e.event === 'typing')).toEqual([]);
    expect(chloe.events).toEqual([]);
    // A resume replays what was stored, and typing was not.
    const replay = await listen(2, m.id);
    const next = await send(1, room.id, 'next');
    await replay.waitFor((e) => e.json?.id === next.id);
    expect(replay.events.map((e) => e.event)).toEqual(['message.created']);
  });

  it("ends the stream when the token expires", async () => {
    const token = await mint({ sub: '2' }, { expiresIn: '2s' });
    const s = await openEvents(inst.url, token);
    open.push(s);
    expect(s.status).toBe(200);
    const t0 = Date.now();
    await s.ended;
    expect(Date.now() - t0).toBeLessThan(4000);
    await eventually(() => inst.hub.stats().subscribers === 0);
  });

  it('ends the stream of a user deactivated in the users table', async () => {
    const chloe = await listen(3);
    const alice = await listen(1);
    await testDb.exec('UPDATE users SET is_active = 0 WHERE id = 3');
    try {
      const t0 = Date.now();
      await chloe.ended;
      expect(Date.now() - t0).toBeLessThan(3000);
      // Her reconnection is refused like any request of hers; the others' streams go on.
      expect((await inst.events(3)).status).toBe(403);
      expect(inst.hub.stats().subscribers).toBe(1);
      const room = await group(1, 'Après le départ', [2]);
      await alice.waitFor((e) => e.event === 'room.created' && e.json.id === room.id);
    } finally {
      await testDb.exec('UPDATE users SET is_active = 1 WHERE id = 3');
    }
  });

  it('releases everything after 1000 connect/close cycles', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timers();
    let peak = 0;
    for (let round = 0; round < 20; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, i) => inst.events(1 + (i % 4), { lastEventId: i % 2 ? '0' : undefined })));
      await eventually(() => inst.hub.stats().subscribers === 50, 5000, '50 subscriptions');
      peak = Math.max(peak, inst.hub.stats().subscribers);
      for (const s of batch) s.close();
      await Promise.all(batch.map((s) => s.ended));
    }
    expect(peak).toBe(50);
    await eventually(() => inst.hub.stats().subscribers === 0, 5000, 'every stream to be released');
    await eventually(async () => (await new Promise<number>((r) => inst.server.getConnections((_, n) => r(n)))) === 0, 15_000, 'sockets to close');
    await eventually(() => timers() <= baseline, 5000, `timers back to ${baseline} (now ${timers()})`);
  }, 60_000);
});

describe('the event feed without a Node response (app.request)', () => {
  it('streams the same events as a Web response', async () => {
    const server = await startServer('sqlite');
    try {
      const alice = await server.as(1);
      const room = await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json();
      const feed = await openEvents('http://in-process/api/chat', await mint({ sub: '2' }), {
        lastEventId: '0', fetch: (url, init) => server.app.request(url, init),
      });
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(feed.headers.get('x-accel-buffering')).toBe('no');
      const sent = await (await alice.post(`/rooms/${room.id}/messages`, { content: 'via app.request', clientId: 'w-1' })).json();
      await feed.waitFor((e) => e.event === 'message.created');
      // Replayed from the start: the room's creation, then the message.
      expect(feed.events.map((e) => e.event)).toEqual(['room.created', 'message.created']);
      expect(feed.events[1].json).toEqual(sent);
      feed.close();
    } finally {
      await server.close();
    }
  });
});

describe('a client too slow to read the feed', () => {
  it('is cut once far behind, then resumes from the database with nothing lost or repeated', async () => {
    const testDb = await createTestDb('sqlite');
    const inst = await startInstance(testDb);
    try {
      const room = (await inst.call(1, 'POST', '/rooms', { type: 'group', name: 'Gros', memberIds: [2] })).body;
      const token = await mint({ sub: '2' });
      const raw = await new Promise<http.IncomingMessage>((resolve) => {
        http.get(`${inst.url}/events`, { headers: { Authorization: `Bearer ${token}` } }, resolve);
      });
      raw.pause(); // reads nothing from now on
      await eventually(() => inst.hub.stats().subscribers === 1, 5000, 'the subscription');
      const big = '€'.repeat(10_000); // 30 KB a frame
      const sent: number[] = [];
      while (inst.hub.stats().subscribers === 1 && sent.length < 1000) {
        const res = await inst.call(1, 'POST', `/rooms/${room.id}/messages`, { content: big, clientId: `big-${sent.length}` });
        expect(res.status).toBe(201);
        sent.push(res.body.id);
      }
      expect(inst.hub.stats().subscribers).toBe(0);
      // What reached the client before the cut is whole events, in order, then the stream stops.
      const got: { id?: string; data: string }[] = [];
      const parser = createParser({ onEvent: (e) => got.push(e) });
      raw.setEncoding('utf8');
      raw.on('data', (d: string) => parser.feed(d));
      raw.resume();
      await new Promise((r) => { raw.on('close', r); raw.on('error', r); });
      expect(got.length).toBeLessThan(sent.length);
      const rest = await inst.events(2, { lastEventId: got.at(-1)?.id ?? '0' });
      await rest.waitForCount(sent.length - got.length, 20_000);
      await sleep(200);
      rest.close();
      const ids = [...got.map((e) => JSON.parse(e.data).id), ...rest.events.map((e) => e.json.id)];
      expect(ids).toEqual(sent);
    } finally {
      await inst.close();
      await testDb.drop();
    }
  }, 60_000);
});

describe("a feed's writes on a Node response", () => {
  it('hand each frame to the socket as it is written, not once the whole fan-out is queued', async () => {
    let feed: Subscriber | undefined;
    let response: http.ServerResponse | undefined;
    const hub = { subscribe: async (sub: Subscriber) => { sub.ready?.(0); feed = sub; return () => {}; } } as unknown as Hub;
    const server = http.createServer((req, res) => {
      response = res;
      streamToNode(res, { hub, userId: 2, exp: Date.now() / 1000 + 60, headers: { 'Content-Type': 'text/event-stream' } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const received: string[] = [];
    const req = http.get(`http://127.0.0.1:${port}/`, (res) => res.setEncoding('utf8').on('data', (d: string) => received.push(d)));
    try {
      await eventually(() => received.join('').includes('retry:'));
      const socket = response!.socket!;
      const before = socket.bytesWritten;
      // Thousands of streams get a frame in one loop: each one's bytes leave now, the first not waiting for the last.
      feed!.write(Buffer.from('id: 1\nevent: read\ndata: {"roomId":1}\n\n'));
      expect(socket.writableLength).toBe(0);
      expect(socket.bytesWritten).toBeGreaterThan(before);
      await eventually(() => received.join('').includes('event: read'));
    } finally {
      req.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
