import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../bench/lib';
import { createTestDb, expectProblem, mint, mysqlRoot, SECRET, USERS, type TestDb, type TestUser } from './harness';
import { eventually, sleep, startInstance, type Instance } from './events-harness';
import { tcpRelay, type Relay } from './relay';
import { openEvents, type EventStream } from './sse-client';

const MYSQL = new URL(mysqlRoot());
const REDIS_URL = `redis://127.0.0.1:${process.env.TEST_REDIS_PORT ?? 6379}`;

describe('MariaDB unreachable', () => {
  let testDb: TestDb;
  let relay: Relay;
  let inst: Instance;

  beforeAll(async () => {
    testDb = await createTestDb('mysql');
    relay = await tcpRelay(MYSQL.hostname, Number(MYSQL.port || 3306));
    // The instance reaches the database through the relay; the test looks behind it directly.
    const url = new URL(testDb.url);
    url.hostname = '127.0.0.1';
    url.port = String(relay.port);
    inst = await startInstance({ ...testDb, url: url.href }, { pollMs: 200 });
  });
  afterAll(async () => {
    await inst?.close();
    relay?.close();
    await testDb?.drop();
  });

  it('answers 503 on the API and /health, publishes nothing, and recovers by itself', async () => {
    const room = (await inst.call(1, 'POST', '/rooms', { type: 'direct', userId: 2 })).body.id as number;
    const stream = await inst.events(2);
    await eventually(() => inst.hub.stats().subscribers === 1, 5000, 'the subscription');
    const before = await inst.call(1, 'POST', `/rooms/${room}/messages`, { content: 'avant', clientId: 'before' });
    expect(before.status).toBe(201);
    await stream.waitFor((e) => e.json?.id === before.body.id);

    await relay.cut();
    const health = await fetch(`${inst.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'error', db: 'error' });
    for (const [method, path, body] of [
      ['POST', `/rooms/${room}/messages`, { content: 'pendant', clientId: 'during' }],
      ['GET', '/rooms', undefined],
      ['GET', `/rooms/${room}/messages`, undefined],
      ['GET', '/events', undefined],
    ] as const) {
      const res = await fetch(`${inst.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${await mint({ sub: '1' })}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body && JSON.stringify(body),
      });
      await expectProblem(res, 503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    await sleep(500);
    expect(stream.events.filter((e) => e.event === 'message.created')).toHaveLength(1);

    await relay.restore();
    await eventually(async () => (await fetch(`${inst.url}/health`)).status === 200, 10_000, '/health to answer 200');
    expect(await (await fetch(`${inst.url}/health`)).json()).toEqual({ status: 'ok', db: 'ok' });
    const after = await inst.call(1, 'POST', `/rooms/${room}/messages`, { content: 'après', clientId: 'after' });
    expect(after.status).toBe(201);
    await stream.waitFor((e) => e.json?.id === after.body.id, { timeout: 3000 });
    // The send refused during the outage left nothing: no row, no event.
    expect((await testDb.exec('SELECT client_id FROM chat_messages ORDER BY id')).map((r) => r.client_id)).toEqual(['before', 'after']);
    expect(stream.events.filter((e) => e.event === 'message.created').map((e) => e.json.id)).toEqual([before.body.id, after.body.id]);
    stream.close();
  }, 30_000);
});

describe('a server instance killed (SIGKILL) under 500 open streams', () => {
  const n = 500;
  let testDb: TestDb;
  const servers: ServerProcess[] = [];
  const streams: EventStream[] = [];

  beforeAll(async () => {
    const users: TestUser[] = [...USERS, ...Array.from({ length: n }, (_, i) => ({
      id: 100 + i, username: `u${i}`, full_name: `User ${i}`, email: null, is_active: 1,
    }))];
    testDb = await createTestDb('mysql', users);
  });
  let stopping = false;
  afterAll(async () => {
    stopping = true;
    for (const s of streams) s.close();
    await Promise.all(servers.map((s) => s.stop()));
    await testDb?.drop();
  });

  it('leaves its clients to resume on another instance with Last-Event-ID: nothing lost, nothing twice', async () => {
    const env = { DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL, UPLOAD_DIR: mkdtempSync(join(tmpdir(), 'ippchat-kill-')) };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    servers.push(a, b);
    const api = (s: ServerProcess) => `${s.url}/api/chat`;
    const alice = await mint({ sub: '1' });
    const send = async (via: ServerProcess, clientId: string): Promise<number> => {
      // A send that fails with its server is sent again elsewhere, with the same clientId (idempotent).
      for (const target of [via, b]) {
        try {
          const res = await fetch(`${api(target)}/rooms/${channel}/messages`, {
            method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ content: `annonce ${clientId}`, clientId }),
          });
          if (res.status === 201 || res.status === 200) return (await res.json()).id;
        } catch { /* the server died under the request */ }
      }
      throw new Error(`${clientId} could not be sent`);
    };
    const channel = (await (await fetch(`${api(b)}/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'channel', name: 'Annonces', memberIds: [] }),
    })).json()).id as number;
    const ids = Array.from({ length: n }, (_, i) => 100 + i);
    await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at) VALUES ${ids.map((u) => `(${channel}, ${u}, 'member', NOW())`).join(', ')}`);

    const clients = await Promise.all(ids.map(async (userId) => {
      const token = await mint({ sub: String(userId) });
      // From the start (Last-Event-ID 0): a stream is subscribed some time after its headers, and nothing may slip through.
      const first = await openEvents(api(a), token, { lastEventId: '0' });
      streams.push(first);
      const client = { first, second: undefined as EventStream | undefined, resumed: Promise.resolve() };
      // What the widget does when its stream drops: reconnect (here, to the surviving instance) with Last-Event-ID.
      client.resumed = first.ended.then(async () => {
        if (stopping) return;
        client.second = await openEvents(api(b), token, { lastEventId: first.lastId });
        streams.push(client.second);
      });
      return client;
    }));
    expect(clients.every((c) => c.first.status === 200)).toBe(true);
    const received = (c: (typeof clients)[number]) => [...c.first.events, ...(c.second?.events ?? [])]
      .filter((e) => e.event === 'message.created' && e.json.type !== 'system').map((e) => e.json.id as number);

    // Every stream is following once a first message reached them all.
    const sent = [await send(b, 'warm')];
    await eventually(() => clients.every((c) => received(c).length >= 1), 15_000, 'the first message on every stream');
    for (let i = 0; i < 10; i++) sent.push(await send(i % 2 ? a : b, `before-${i}`));
    const killed = a.kill();
    for (let i = 0; i < 30; i++) sent.push(await send(b, `after-${i}`));
    await killed;
    await Promise.all(clients.map((c) => c.resumed));
    expect(clients.every((c) => c.second?.status === 200)).toBe(true);
    await eventually(() => clients.every((c) => received(c).length >= sent.length), 20_000, `${sent.length} messages on every client`);
    await sleep(300);
    for (const c of clients) expect(received(c)).toEqual(sent);
  }, 90_000);
});

describe('a server killed (SIGKILL) during an upload', () => {
  let testDb: TestDb;
  const servers: ServerProcess[] = [];

  beforeAll(async () => { testDb = await createTestDb('mysql'); });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await testDb?.drop();
  });

  const filesUnder = (dir: string) => (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => statSync(join(dir, f)).isFile());

  it('leaves no file behind once a server starts again on the same UPLOAD_DIR', async () => {
    const uploadDir = mkdtempSync(join(tmpdir(), 'ippchat-crash-'));
    const env = { DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '', UPLOAD_DIR: uploadDir };
    const server = await startServerProcess(env);
    servers.push(server);
    const token = await mint({ sub: '1' });
    const room = (await (await fetch(`${server.url}/api/chat/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'direct', userId: 2 }),
    })).json()).id;

    // A 10 MB PDF of which 2 MB have arrived when the server dies.
    const boundary = 'crash-boundary';
    const req = httpRequest(`${server.url}/api/chat/rooms/${room}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(10 * 1024 * 1024) },
    });
    req.on('error', () => {});
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="clientId"\r\n\r\ncrash\r\n`);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`);
    req.write(Buffer.alloc(2 * 1024 * 1024, 0x20));
    await eventually(() => filesUnder(uploadDir).some((f) => statSync(join(uploadDir, f)).size > 1024 * 1024), 10_000, 'the upload to reach the disk');
    await server.kill();
    req.destroy();
    expect(filesUnder(uploadDir).length).toBeGreaterThan(0);

    const again = await startServerProcess(env);
    servers.push(again);
    expect(filesUnder(uploadDir)).toEqual([]);
    expect(await testDb.exec('SELECT id FROM chat_messages')).toEqual([]);
    expect(await testDb.exec('SELECT id FROM chat_attachments')).toEqual([]);
    expect((await fetch(`${again.url}/api/chat/health`)).status).toBe(200);
  }, 60_000);
});
