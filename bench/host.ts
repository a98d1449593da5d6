import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, USERS, type Dialect } from '../testkit/db';
import { startReceiver } from '../testkit/receiver';
import { mint, mintHost, SECRET } from '../testkit/tokens';
import { benchDialects, ms, percentile, printTable, startServerProcess, type Row, jsonClient } from './lib';

const CALLS = Number(process.env.BENCH_HOST_CALLS ?? 2000);
const CONCURRENCY = 20;
const HOOKS = Number(process.env.BENCH_HOOK_MESSAGES ?? 200);
const BOT = 6;

/**
 * The host's calls and the outgoing webhooks, against a BFF in its own
 * process: POST /host/messages latency under load (2000 calls, 20 at a
 * time, stock alerts into 50 item rooms), and a webhook's delay from a
 * user's send to the receiver's arrival (one message at a time).
 */
export async function benchHost(dialects: Dialect[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) rows.push(...(await host(dialect)));
  return rows;
}

async function host(dialect: Dialect): Promise<Row[]> {
  const bot = { id: BOT, username: 'ipp-stocks', full_name: 'IPP Stocks', email: null, is_active: 1 };
  const testDb = await createTestDb(dialect, [...USERS, bot]);
  const receiver = await startReceiver();
  const server = await startServerProcess({
    DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '', CHAT_RATE_HOST_MESSAGES: '0',
    CHAT_WEBHOOK_URL: receiver.url, CHAT_WEBHOOK_SECRET: 'bench-webhook-secret-of-32-bytes-or-more', CHAT_WEBHOOK_USERS: String(BOT),
  });
  const api = `${server.url}/api/chat`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = jsonClient(api, agent);
  const call = (token: string, path: string, body: unknown) => send(token, 'POST', path, body);
  try {
    const hostToken = await mintHost({}, { expiresIn: 3000 });
    const alert = (i: number) => ({
      senderId: BOT,
      to: { context: { type: 'stock_item', id: `REF-${i % 50}`, label: `Article REF-${i % 50}` }, memberIds: [1, 2] },
      content: `Stock bas : ${i % 7} restants`,
      idempotencyKey: `bench-${i}`,
    });
    // The 50 item rooms exist (the first alert of each creates it), then the measure.
    for (let i = 0; i < 50; i++) await call(hostToken, '/host/messages', alert(CALLS + i));
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < CALLS; i = next++) {
        const t0 = performance.now();
        const { status } = await call(hostToken, '/host/messages', alert(i));
        if (status === 201) latencies.push(performance.now() - t0); else failed++;
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    // Webhooks: Alice speaks in a room the bot is in, and the receiver times each arrival.
    const alice = await mint({ sub: '1' }, { expiresIn: '1h' });
    const room = (await call(alice, '/rooms', { type: 'group', name: 'Bench bot', memberIds: [BOT] })).body.id;
    const delays: number[] = [];
    for (let i = 0; i < HOOKS; i++) {
      const seen = receiver.received.length;
      const t0 = performance.now();
      const sent = await call(alice, `/rooms/${room}/messages`, { content: `stock REF-${i}`, clientId: `hook-${i}` });
      const got = await receiver.waitUntil((r) => r.slice(seen).some((x) => JSON.parse(x.body).data.id === sent.body.id));
      delays.push(got.slice(seen).find((x) => JSON.parse(x.body).data.id === sent.body.id)!.at - t0);
    }
    delays.sort((a, b) => a - b);
    const bench = `host calls (${dialect})`;
    return [
      { bench, metric: `POST /host/messages p50 / p99 (${CALLS}, ${CONCURRENCY} at a time)`, value: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}` },
      { bench, metric: 'host calls per second', value: `${(latencies.length / elapsed).toFixed(0)}/s${failed ? ` (${failed} failed)` : ''}` },
      { bench: `webhooks (${dialect})`, metric: `send → receiver p50 / p99 (${HOOKS} messages)`, value: `${ms(percentile(delays, 50))} / ${ms(percentile(delays, 99))}` },
    ];
  } finally {
    agent.destroy();
    await server.stop();
    await receiver.close();
    await testDb.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printTable(await benchHost(await benchDialects()));
