import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './harness';
import { sleep, startInstance, type Instance } from './events-harness';
import { tcpRelay, type Relay } from './relay';
import type { EventStream } from './sse-client';

const REDIS = { host: '127.0.0.1', port: Number(process.env.TEST_REDIS_PORT ?? 6379) };

describe('several instances on one MariaDB, with Redis', () => {
  let testDb: TestDb;
  let relay: Relay;
  const redisUrl = () => `redis://127.0.0.1:${relay.port}`;
  const instances: Instance[] = [];
  const open: EventStream[] = [];
  // Its own channels, so that no other test run on the same Redis is heard.
  const prefix = `ipp-chat-test:${randomBytes(4).toString('hex')}`;
  // A poll far longer than any wait here: only Redis can explain a fast delivery across instances.
  const start = (opts: Record<string, unknown> = {}) =>
    startInstance(testDb, { redisUrl: redisUrl(), redisPrefix: prefix, pollMs: 60_000, ...opts }).then((i) => (instances.push(i), i));
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    testDb = await createTestDb('mysql');
    relay = await tcpRelay(REDIS.host, REDIS.port);
    a = await start();
    b = await start();
  });
  afterAll(async () => {
    for (const i of instances) await i.close();
    relay?.close();
    await testDb?.drop();
  });
  afterEach(() => { for (const s of open.splice(0)) s.close(); });

  async function listen(inst: Instance, userId: number, lastEventId?: string) {
    const s = await inst.listen(userId, lastEventId);
    open.push(s);
    return s;
  }
  const group = async (inst: Instance, memberIds: number[]) => (await inst.group(1, 'Cluster', memberIds)).id;
  const send = (inst: Instance, roomId: number, content: string) => inst.send(1, roomId, content);

  it('delivers an event produced on one instance to a subscriber on the other, typing included', async () => {
    const room = await group(a, [2]);
    const onB = await listen(b, 2);
    const sent = await send(a, room, 'de A vers B');
    const got = await onB.waitFor((e) => e.event === 'message.created', { timeout: 2000 });
    expect(got.json.id).toBe(sent.id);
    expect((await a.call(1, 'POST', `/rooms/${room}/typing`)).status).toBe(204);
    expect((await onB.waitFor((e) => e.event === 'typing', { timeout: 2000 })).json).toMatchObject({ roomId: room, userId: 1 });
    // The rate limit is shared: the same signal through B right after is refused.
    expect((await b.call(1, 'POST', `/rooms/${room}/typing`)).status).toBe(429);
  });

  it('resumes on the other instance, in order, once', async () => {
    const room = await group(a, [2]);
    const onA = await listen(a, 2);
    const first = await send(a, room, 'first');
    const seen = await onA.waitFor((e) => e.json?.id === first.id);
    onA.close();
    const missed = [];
    for (let i = 0; i < 10; i++) missed.push(await send(i % 2 ? a : b, room, `missed ${i}`));
    const onB = await listen(b, 2, seen.id);
    await onB.waitForCount(10);
    await sleep(200);
    expect(onB.events.map((e) => e.json.id)).toEqual(missed.map((m) => m.id));
  });

  it('resumes after a restart of the server, from the database', async () => {
    const room = await group(a, [2]);
    const onA = await listen(a, 2);
    const first = await send(a, room, 'before restart');
    const seen = await onA.waitFor((e) => e.json?.id === first.id);
    await a.close();
    await onA.ended;
    const missed = [await send(b, room, 'during 1'), await send(b, room, 'during 2')];
    a = await start();
    const again = await listen(a, 2, seen.id);
    await again.waitForCount(2);
    const live = await send(b, room, 'after restart');
    await again.waitFor((e) => e.json?.id === live.id, { timeout: 2000 });
    expect(again.events.map((e) => e.json.id)).toEqual([...missed.map((m) => m.id), live.id]);
  });

  it('loses nothing while Redis is down: local delivery goes on, the others catch up when it returns', async () => {
    const room = await group(a, [2]);
    const onA = await listen(a, 2);
    const onB = await listen(b, 2);
    await relay.cut();
    const during = await send(a, room, 'pendant la panne');
    await onA.waitFor((e) => e.json?.id === during.id, { timeout: 2000 });
    expect((await a.call(1, 'POST', `/rooms/${room}/typing`)).status).toBe(204);
    await sleep(500);
    expect(onB.events).toEqual([]);
    await relay.restore();
    const got = await onB.waitFor((e) => e.json?.id === during.id, { timeout: 10_000 });
    expect(got.id).toBe(onA.events[0].id);
    const after = await send(a, room, 'après la panne');
    await onB.waitFor((e) => e.json?.id === after.id, { timeout: 2000 });
    expect(onB.events.filter((e) => e.event === 'message.created').map((e) => e.json.id)).toEqual([during.id, after.id]);
  }, 20_000);

  it('serves an instance whose Redis cannot be reached: sends succeed, its poll catches up with the others', async () => {
    const lonely = await start({ redisUrl: 'redis://127.0.0.1:1', pollMs: 200 });
    const room = await group(a, [2]);
    const onLonely = await listen(lonely, 2);
    const mine = await send(lonely, room, 'sent where Redis is down');
    await onLonely.waitFor((e) => e.json?.id === mine.id, { timeout: 3000 });
    const theirs = await send(a, room, 'sent elsewhere');
    await onLonely.waitFor((e) => e.json?.id === theirs.id, { timeout: 3000 });
    expect(onLonely.events.map((e) => e.json.id)).toEqual([mine.id, theirs.id]);
  });
});
