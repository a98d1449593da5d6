import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { boot } from '../../server/boot';
import { parseEnv } from '../../server/env';
import { createHub } from '../../server/events/hub';
import { silentLogger } from '../../server/log';
import { openDb } from '../../server/storage';
import type { WebhookTuning, Webhooks } from '../../server/webhooks/dispatcher';
import { verify } from '../../server/webhooks/signature';
import { startReceiver, type Receiver } from '../../testkit/receiver';
import { eventually } from './events-harness';
import { clientFor, createTestDb, DIALECTS, HIGH_LIMITS, mint, mintHost, SECRET, type TestDb } from './harness';
import { openEvents } from './sse-client';

const HOOK_SECRET = 'webhook-secret-of-at-least-32-bytes!!';
const BOT = 6;
const METRICS_TOKEN = 'webhooks-metrics-token';
/** Quick enough for a test: a retry a tenth of a second later. */
const QUICK: Partial<WebhookTuning> = { pollMs: 50, backoffMs: () => 100 };

type Instance = Awaited<ReturnType<typeof boot>>;

describe.each(DIALECTS)('outgoing webhooks on %s', (dialect) => {
  let testDb: TestDb;
  let uploads: string;
  const running: Instance[] = [];
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    await testDb.exec("INSERT INTO users (id, username, full_name, email, is_active) VALUES (6, 'ipp-stocks', 'IPP Stocks', NULL, 1)");
    uploads = mkdtempSync(join(tmpdir(), 'ippchat-hooks-'));
  });
  afterEach(async () => {
    for (const i of running.splice(0)) await i.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(async () => {
    await testDb?.drop();
    rmSync(uploads, { recursive: true, force: true });
  });

  async function receiver(status?: Receiver['status']) {
    const r = await startReceiver(status);
    receivers.push(r);
    return r;
  }
  /** A BFF instance on the test database, posting webhooks to `url` (none without). */
  async function instance(url: string | null, tuning: Partial<WebhookTuning> = QUICK) {
    const hooks = url ? { CHAT_WEBHOOK_URL: url, CHAT_WEBHOOK_SECRET: HOOK_SECRET, CHAT_WEBHOOK_USERS: String(BOT) } : {};
    const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: uploads, METRICS_TOKEN, ...HIGH_LIMITS, ...hooks });
    const i = await boot(config, { logger: silentLogger(), webhooks: tuning });
    running.push(i);
    return { ...i, as: async (userId: number) => clientFor(i.app, await mint({ sub: String(userId) })) };
  }
  let n = 0;
  const say = async (client: Awaited<ReturnType<Awaited<ReturnType<typeof instance>>['as']>>, roomId: number, content: string) =>
    (await client.post(`/rooms/${roomId}/messages`, { content, clientId: `w-${++n}` })).json();
  const eventOf = async (messageId: number) =>
    Number((await testDb.exec("SELECT id FROM chat_events WHERE message_id = ? AND type = 'message.created'", [messageId]))[0].id);
  const parsed = (r: { body: string }) => JSON.parse(r.body) as { id: string; type: string; data: { id: number; roomId: number; content: string; type: string } };
  /** What was posted of messages people wrote (system messages, e.g. "room created", are posted too). */
  const said = <R extends { body: string }>(received: R[]) => received.filter((r) => parsed(r).data.type !== 'system');
  const saidCount = (hook: Receiver, n: number) => hook.waitUntil((r) => said(r).length >= n).then(said);

  it('posts the messages of a room with a bot, signed, and nothing of rooms without one', async () => {
    const hook = await receiver();
    const server = await instance(hook.url);
    const alice = await server.as(1);
    const withBot = await (await alice.post('/rooms', { type: 'group', name: 'Stocks', memberIds: [2, BOT] })).json();
    const direct = await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json();
    await say(alice, direct.id, 'Entre nous');
    const sent = await say(alice, withBot.id, 'stock REF-1');
    const [got] = await saidCount(hook, 1);
    expect(got.headers['content-type']).toBe('application/json');
    const body = parsed(got);
    expect(body).toEqual({ id: String(await eventOf(sent.id)), type: 'message.created', data: sent });
    // t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['ipp-chat-signature']))!;
    expect(v1).toBe(createHmac('sha256', HOOK_SECRET).update(`${t}.${got.body}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(verify(HOOK_SECRET, got.body, String(got.headers['ipp-chat-signature']))).toBe(true);
    expect(verify('another-secret-of-at-least-32-bytes!', got.body, String(got.headers['ipp-chat-signature']))).toBe(false);

    // A bot named in a room it is not in is told; the bot's own messages are not sent back.
    const mention = await say(alice, direct.id, 'Demande à <@6> : stock REF-2 ?');
    const host = await server.app.request('/api/chat/host/messages', {
      method: 'POST', headers: { Authorization: `Bearer ${await mintHost()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ senderId: BOT, to: { roomId: withBot.id }, content: 'REF-1 : 12 en stock', idempotencyKey: 'answer-1' }),
    });
    expect(host.status).toBe(201);
    const after = await say(alice, withBot.id, 'Merci');
    const all = await saidCount(hook, 3);
    expect(all.map((r) => parsed(r).data.id).sort((a, b) => a - b)).toEqual([sent.id, mention.id, after.id]);
    // And the room's creation, as a system message.
    expect(hook.received.filter((r) => parsed(r).data.type === 'system').map((r) => parsed(r).data.roomId)).toEqual([withBot.id]);
    expect(Number((await testDb.exec('SELECT COUNT(*) AS n FROM chat_webhook_deliveries'))[0].n)).toBe(4);
  });

  it('retries a delivery answered 500, then delivers it', async () => {
    let failures = 0;
    const hook = await receiver((r) => (parsed(r).data.type !== 'system' && !failures++ ? 500 : 204));
    const server = await instance(hook.url);
    const alice = await server.as(1);
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Retry', memberIds: [BOT] })).json();
    const sent = await say(alice, room.id, 'stock REF-3');
    const [failed, delivered] = await saidCount(hook, 2);
    expect(parsed(failed).id).toBe(parsed(delivered).id);
    expect(parsed(delivered).data.id).toBe(sent.id);
    await expect.poll(async () => (await testDb.exec('SELECT status, attempts FROM chat_webhook_deliveries WHERE event_id = ?', [await eventOf(sent.id)]))[0])
      .toMatchObject({ status: 'delivered', attempts: 2 });
    const metrics = await (await server.app.request('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain('ippchat_webhooks_total{outcome="failed"} 1');
    expect(metrics).toMatch(/ippchat_webhooks_total\{outcome="delivered"\} [1-9]/);
  });

  it('retries a delivery that gets no answer in time, and gives up after the retry period', async () => {
    let hung = 0;
    const hook = await receiver((r) => (parsed(r).data.content === 'sans réponse' && !hung++ ? 0 : parsed(r).data.content === 'jamais' ? 500 : 200));
    const server = await instance(hook.url, { pollMs: 50, backoffMs: () => 100, timeoutMs: 300, retryForMs: 1000 });
    const alice = await server.as(1);
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Patience', memberIds: [BOT] })).json();
    const slow = await say(alice, room.id, 'sans réponse');
    await hook.waitUntil((r) => said(r).filter((x) => parsed(x).data.id === slow.id).length === 2);
    await expect.poll(async () => (await testDb.exec('SELECT status FROM chat_webhook_deliveries WHERE event_id = ?', [await eventOf(slow.id)]))[0].status)
      .toBe('delivered');
    const never = await say(alice, room.id, 'jamais');
    await expect.poll(async () => (await testDb.exec('SELECT status, last_error FROM chat_webhook_deliveries WHERE event_id = ?', [await eventOf(never.id)]))[0],
      { timeout: 10_000 }).toMatchObject({ status: 'failed', last_error: 'HTTP 500' });
    const tries = said(hook.received).filter((x) => parsed(x).data.id === never.id).length;
    expect(tries).toBeGreaterThan(1);
  });

  it('refuses an incomplete or unsafe webhook configuration in one line', () => {
    const env = (more: Record<string, string>) => ({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, ...more });
    const full = { CHAT_WEBHOOK_URL: 'https://bots.example/chat', CHAT_WEBHOOK_SECRET: HOOK_SECRET, CHAT_WEBHOOK_USERS: '6,7' };
    expect(parseEnv(env(full)).CHAT_WEBHOOK_USERS).toEqual([6, 7]);
    for (const bad of <Record<string, string>[]>[
      { ...full, CHAT_WEBHOOK_URL: 'file:///etc/passwd' },
      { ...full, CHAT_WEBHOOK_URL: 'not a url' },
      { ...full, CHAT_WEBHOOK_SECRET: 'short' },
      { ...full, CHAT_WEBHOOK_USERS: 'bot' },
      { ...full, CHAT_WEBHOOK_USERS: '' },
      { CHAT_WEBHOOK_URL: full.CHAT_WEBHOOK_URL },
      { CHAT_WEBHOOK_SECRET: HOOK_SECRET, CHAT_WEBHOOK_USERS: '6' },
    ]) expect(() => parseEnv(env(bad)), JSON.stringify(bad)).toThrow(/^invalid configuration: CHAT_WEBHOOK_[^\n]+$/);
  });

  it('delivers once with two instances on the same database', async () => {
    const hook = await receiver();
    const one = await instance(hook.url);
    const two = await instance(hook.url);
    const alice = await one.as(1);
    const bruno = await two.as(2);
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Deux', memberIds: [2, BOT] })).json();
    const ids: number[] = [];
    for (let k = 0; k < 10; k++) {
      ids.push((await say(alice, room.id, `a${k}`)).id, (await say(bruno, room.id, `b${k}`)).id);
    }
    await saidCount(hook, ids.length);
    // Both stopped, nothing is under way: what arrived is all that will.
    for (const i of running.splice(0)) await i.close();
    expect(said(hook.received).map((r) => parsed(r).data.id).sort((a, b) => a - b)).toEqual(ids);
    expect(hook.received.length).toBe(ids.length + 1);
  });

  it('picks up what is pending after a restart', async () => {
    let up = false;
    const hook = await receiver(() => (up ? 200 : 503));
    const first = await instance(hook.url, { pollMs: 50, backoffMs: () => 300 });
    const alice = await first.as(1);
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Redémarrage', memberIds: [BOT] })).json();
    const early = await say(alice, room.id, 'avant');
    await saidCount(hook, 1);
    await running.splice(0)[0].close();
    // Said while no instance delivers webhooks.
    const quiet = await instance(null);
    const late = await say(await quiet.as(1), room.id, 'pendant');
    await running.splice(0)[0].close();
    up = true;
    const attempts = hook.received.length;
    await instance(hook.url);
    const delivered = () => said(hook.received.slice(attempts)).map((r) => parsed(r).data.id).sort((a, b) => a - b);
    await hook.waitUntil(() => delivered().length >= 2);
    expect(delivered()).toEqual([early.id, late.id]);
  });
});

// On MySQL, where every statement is seen (OpenOptions.logQuery); the wiring is the same on both.
describe('the feed beside the webhooks', () => {
  let testDb: TestDb;
  beforeAll(async () => { testDb = await createTestDb('mysql'); });
  afterAll(async () => { await testDb?.drop(); });

  it('gets what a commit recorded as committed, not read back from the outbox, and the worker is woken', async () => {
    const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, ...HIGH_LIMITS });
    const statements: string[] = [];
    const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS, logQuery: (q) => statements.push(q) });
    // Polling far apart: within the test, only a commit makes the hub look.
    const events = createHub({ db, pollMs: 60_000 });
    let woken = 0;
    const webhooks: Webhooks = { start: async () => {}, wake: () => { woken++; }, runOnce: async () => false, stop: async () => {} };
    const app = createApp({ config, db, verify: await createVerifier(config.jwtKey, { audience: config.CHAT_JWT_AUDIENCE }), events, webhooks });
    try {
      const alice = clientFor(app, await mint({ sub: '1' }));
      const room = await (await alice.post('/rooms', { type: 'group', name: 'Crochets', memberIds: [2] })).json();
      const feed = await openEvents('http://in-process/api/chat', await mint({ sub: '2' }), { fetch: (url, init) => app.request(url, init) });
      await eventually(() => events.stats().subscribers === 1 && events.stats().replaying === 0, 5000, 'the subscription');
      const [from, wokenBefore] = [statements.length, woken];
      const sent = await (await alice.post(`/rooms/${room.id}/messages`, { content: 'livré tel quel', clientId: 'hooks-feed-1' })).json();
      await feed.waitFor((e) => e.event === 'message.created' && e.json.id === sent.id);
      feed.close();
      expect(woken).toBeGreaterThan(wokenBefore);
      expect(statements.slice(from).filter((q) => /^select\b[\s\S]*\bfrom\s+[`"]?chat_events/i.test(q))).toEqual([]);
    } finally {
      await events.close();
      await db.close();
    }
  });
});
