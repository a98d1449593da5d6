import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier, type VerifyToken } from '../../server/auth';
import { createLimits, limitsOptions, type Limits } from '../../server/limits';
import { clientFor, createTestDb, expectProblem, mint, startServer, type Client, type TestDb, type TestServer } from './harness';
import { eventually, startInstance, type Instance } from './events-harness';
import type { EventStream } from './sse-client';

const LIMITS = { CHAT_RATE_MESSAGES: '5', CHAT_RATE_UPLOADS: '4', CHAT_MAX_STREAMS: '2' };
const REDIS_URL = `redis://127.0.0.1:${process.env.TEST_REDIS_PORT ?? 6379}`;

const pdf = () => new Blob([Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')]);

/** Asserts a 429 problem whose Retry-After tells a wait of 1 to 60 seconds. */
async function expectTooMany(res: Response) {
  await expectProblem(res, 429);
  const wait = Number(res.headers.get('retry-after'));
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(60);
}

describe('rate limits, per user', () => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  let roomId: number;
  let n = 0;
  const send = (c: Client, room = roomId) => c.post(`/rooms/${room}/messages`, { content: `message ${++n}`, clientId: `lim-${n}` });
  const count = async () => Number((await server.testDb.exec('SELECT COUNT(*) AS n FROM chat_messages'))[0].n);

  beforeAll(async () => {
    server = await startServer('mysql', LIMITS);
    [alice, bruno] = await Promise.all([server.as(1), server.as(2)]);
    roomId = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
  });
  afterAll(() => server?.close());

  it('refuses messages past the limit with 429 and Retry-After, creates nothing, and leaves the others alone', async () => {
    for (let i = 0; i < 5; i++) expect((await send(alice)).status).toBe(201);
    const before = await count();
    await expectTooMany(await send(alice));
    expect(await count()).toBe(before);
    // Keyed on the token's user: a forged client address changes nothing, another user is not affected.
    await expectTooMany(await alice.request('POST', `/rooms/${roomId}/messages`, { content: 'x', clientId: 'forged' }, { 'X-Forwarded-For': '203.0.113.9' }));
    expect((await send(bruno)).status).toBe(201);
  });

  it('counts messages with files, and refuses uploads past their own limit, leaving no file behind', async () => {
    const chloe = await server.as(3);
    const room = (await (await chloe.post('/rooms', { type: 'direct', userId: 4 })).json()).id;
    const upload = () => {
      const form = new FormData();
      form.set('clientId', `up-${++n}`);
      form.append('files', pdf(), 'devis.pdf');
      return chloe.request('POST', `/rooms/${room}/messages`, undefined, {}, form);
    };
    for (let i = 0; i < 4; i++) expect((await upload()).status).toBe(201);
    const before = await count();
    await expectTooMany(await upload());
    expect(await count()).toBe(before);
    expect(await server.testDb.exec('SELECT id FROM chat_attachments')).toHaveLength(4);
    // The fifth message of the minute, in text, still goes; the sixth does not.
    expect((await send(chloe, room)).status).toBe(201);
    await expectTooMany(await send(chloe, room));
  });

  it('holds at most 3 uploads of a user at once', async () => {
    const david = await server.as(4);
    const room = (await (await david.post('/rooms', { type: 'direct', userId: 1 })).json()).id;
    const boundary = 'limit-boundary';
    const finish: (() => void)[] = [];
    /** A multipart send whose file arrives only when told to. */
    const slow = (clientId: string) => {
      const encode = (s: string) => new TextEncoder().encode(s);
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encode(`--${boundary}\r\nContent-Disposition: form-data; name="clientId"\r\n\r\n${clientId}\r\n`));
          await new Promise<void>((resolve) => finish.push(resolve));
          controller.enqueue(encode(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="lent.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--${boundary}--\r\n`));
          controller.close();
        },
      });
      return server.app.request(`/api/chat/rooms/${room}/messages`, {
        method: 'POST', body, duplex: 'half',
        headers: { Authorization: `Bearer ${david.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit);
    };
    const pending = [slow('slow-1'), slow('slow-2'), slow('slow-3')];
    // Each upload has its staging folder once it holds its slot.
    const staging = join(server.config.UPLOAD_DIR, '.staging');
    await eventually(() => existsSync(staging) && readdirSync(staging).length === 3, 5000, 'three uploads under way');
    const form = new FormData();
    form.set('clientId', 'fourth');
    form.append('files', pdf(), 'quatre.pdf');
    await expectTooMany(await david.request('POST', `/rooms/${room}/messages`, undefined, {}, form));
    for (const f of finish) f();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual([201, 201, 201]);
    const again = new FormData();
    again.set('clientId', 'after');
    again.append('files', pdf(), 'apres.pdf');
    expect((await david.request('POST', `/rooms/${room}/messages`, undefined, {}, again)).status).toBe(201);
  });
});

describe('a user flooding the API', () => {
  let server: TestServer;

  beforeAll(async () => { server = await startServer('mysql', { CHAT_RATE_MESSAGES: '30' }); });
  afterAll(() => server?.close());

  it('gets 429s while another user sends as usual in the same room', async () => {
    const [flooder, other] = await Promise.all([server.as(1), server.as(2)]);
    const room = (await (await flooder.post('/rooms', { type: 'group', name: 'Bruit', memberIds: [2] })).json()).id;
    const flood = Promise.all(Array.from({ length: 300 }, (_, i) =>
      flooder.post(`/rooms/${room}/messages`, { content: `spam ${i}`, clientId: `spam-${i}` }).then((r) => r.status)));
    const mine: number[] = [];
    for (let i = 0; i < 20; i++) mine.push((await other.post(`/rooms/${room}/messages`, { content: `normal ${i}`, clientId: `ok-${i}` })).status);
    const statuses = await flood;
    expect(mine).toEqual(Array(20).fill(201));
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(270);
    const page = await (await other.get(`/rooms/${room}/messages?limit=100`)).json();
    expect(page.messages.filter((m: { senderId: number }) => m.senderId === 2)).toHaveLength(20);
    expect(page.messages.filter((m: { senderId: number; type: string }) => m.senderId === 1 && m.type !== 'system')).toHaveLength(30);
  });
});

describe('rate limits shared through Redis', () => {
  let server: TestServer;
  const limits: Limits[] = [];
  // A prefix of its own: no other run on the same Redis shares these counters.
  const prefix = `ipp-chat-test:${randomBytes(4).toString('hex')}`;
  const appWith = (redisUrl: string) => {
    const l = createLimits(limitsOptions(server.config, { redisUrl, redisPrefix: prefix }));
    limits.push(l);
    return createApp({ config: server.config, db: server.db, verify, limits: l });
  };
  let verify: VerifyToken;

  beforeAll(async () => {
    server = await startServer('mysql', LIMITS);
    verify = await createVerifier(server.config.jwtKey, { audience: server.config.CHAT_JWT_AUDIENCE });
  });
  afterAll(async () => {
    for (const l of limits) l.close();
    await server?.close();
  });

  it('counts a user across instances, and each instance keeps a local limit while Redis is unreachable', async () => {
    const [a, b] = [appWith(REDIS_URL), appWith(REDIS_URL)];
    const token = await mint({ sub: '1' });
    const [onA, onB] = [clientFor(a, token), clientFor(b, token)];
    const room = (await (await onA.post('/rooms', { type: 'direct', userId: 3 })).json()).id;
    const send = (c: Client, i: number) => c.post(`/rooms/${room}/messages`, { content: `m${i}`, clientId: `shared-${i}` });
    await eventually(async () => (await limits[0].redis()) === 'ok' && (await limits[1].redis()) === 'ok', 5000, 'Redis');
    for (let i = 0; i < 5; i++) expect((await send(i % 2 ? onB : onA, i)).status).toBe(201);
    await expectTooMany(await send(onA, 5));
    await expectTooMany(await send(onB, 6));

    const lonely = appWith('redis://127.0.0.1:1');
    const onLonely = clientFor(lonely, await mint({ sub: '3' }));
    for (let i = 0; i < 5; i++) expect((await send(onLonely, 100 + i)).status).toBe(201);
    await expectTooMany(await send(onLonely, 105));
  });

  it('/health reports Redis when it is configured, and stays 200 without it', async () => {
    const app = appWith(REDIS_URL);
    await eventually(async () => (await limits.at(-1)!.redis()) === 'ok', 5000, 'Redis');
    const res = await app.request('/api/chat/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok', redis: 'ok' });
    const down = await appWith('redis://127.0.0.1:1').request('/api/chat/health');
    expect(down.status).toBe(200);
    expect(await down.json()).toEqual({ status: 'ok', db: 'ok', redis: 'error' });
    const none = await server.app.request('/api/chat/health');
    expect(await none.json()).toEqual({ status: 'ok', db: 'ok' });
  });
});

describe('open event streams per user', () => {
  let testDb: TestDb;
  let inst: Instance;
  const open: EventStream[] = [];

  beforeAll(async () => {
    testDb = await createTestDb('mysql');
    inst = await startInstance(testDb, {}, LIMITS);
  });
  afterAll(async () => {
    await inst?.close();
    await testDb?.drop();
  });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });

  it('refuses a third stream of one user with 429 until one of theirs closes, others unaffected', async () => {
    const first = await inst.events(1);
    const second = await inst.events(1);
    open.push(first, second);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await fetch(`${inst.url}/events`, { headers: { Authorization: `Bearer ${await mint({ sub: '1' })}` } });
    await expectTooMany(third);
    const bruno = await inst.events(2);
    open.push(bruno);
    expect(bruno.status).toBe(200);
    first.close();
    await eventually(async () => {
      const s = await inst.events(1);
      open.push(s);
      return s.status === 200;
    }, 5000, 'a slot to be released');
  });
});
