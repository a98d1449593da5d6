import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, USERS, type Dialect, type TestUser } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { benchDialects, ms, percentile, printTable, startServerProcess, type Row } from './lib';

/**
 * The real-time feed: 1-to-1 send→receive latency over 500 messages (SQLite
 * and MariaDB), and messages fanned out to 2000 streams of one channel on
 * MariaDB, beside a plain node:http SSE broadcaster measured the same way in
 * the same run (both servers in their own process, the same client, rounds
 * alternated). BENCH_SKIP_FANOUT=1 runs the 1-to-1 part only.
 */
export async function benchEvents(dialects: Dialect[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) rows.push(...(await oneToOne(dialect)));
  if (!process.env.BENCH_SKIP_FANOUT) rows.push(...(await fanOut(2000, dialects.at(-1)!)));
  return rows;
}

/** A raw SSE reader (node:http, no parser: the same cheap client for both servers) that notes when a marker arrives. */
function stream(url: string, token?: string) {
  const seen = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  let tail = '';
  let ready!: () => void;
  const opened = new Promise<void>((r) => (ready = r));
  const req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const at = performance.now();
      const text = tail + chunk;
      for (const m of text.matchAll(/"clientId":"(bench-[^"]+)"/g)) {
        if (seen.has(m[1])) continue;
        seen.set(m[1], at);
        waiting.get(m[1])?.();
      }
      tail = text.slice(-64);
      ready();
    });
  });
  req.on('error', () => {});
  return {
    opened,
    seen,
    arrival: (marker: string) => new Promise<number>((resolve) => {
      if (seen.has(marker)) resolve(seen.get(marker)!);
      else waiting.set(marker, () => { waiting.delete(marker); resolve(seen.get(marker)!); });
    }),
    close: () => req.destroy(),
  };
}

async function post(url: string, body: unknown, token?: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

async function oneToOne(dialect: Dialect): Promise<Row[]> {
  const testDb = await createTestDb(dialect);
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '' });
  try {
    const [alice, bruno] = await Promise.all([mint({ sub: '1' }), mint({ sub: '2' })]);
    const api = `${server.url}/api/chat`;
    const room = await (await fetch(`${api}/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }),
    })).json() as { id: number };
    const s = stream(`${api}/events`, bruno);
    await s.opened;
    await new Promise((r) => setTimeout(r, 300));
    const times: number[] = [];
    const posts: number[] = [];
    for (let i = 0; i < 520; i++) {
      const marker = `bench-${i}`;
      const t0 = performance.now();
      const arrival = s.arrival(marker);
      await post(`${api}/rooms/${room.id}/messages`, { content: `message ${i}`, clientId: marker }, alice);
      const answered = performance.now();
      const at = await arrival;
      // The first 20 warm the JIT and the pools.
      if (i >= 20) { times.push(at - t0); posts.push(answered - t0); }
    }
    s.close();
    times.sort((a, b) => a - b);
    posts.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    return [{
      bench: `events 1-to-1 ${dialect}`, metric: 'send→receive p50 / p99 (500)',
      value: `${ms(percentile(times, 50))} / ${ms(p99)}`, target: 'p99 < 50 ms', ok: p99 < 50,
    }, {
      bench: `events 1-to-1 ${dialect}`, metric: 'the POST alone p50 / p99',
      value: `${ms(percentile(posts, 50))} / ${ms(percentile(posts, 99))}`,
    }];
  } finally {
    await server.stop();
    await testDb.drop();
  }
}

/** The baseline: a plain node:http server that keeps SSE responses and writes each POSTed body to all of them. */
function plainBroadcaster() {
  const streams = new Set<http.ServerResponse>();
  let id = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('retry: 3000\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const frame = `id: ${++id}\nevent: message.created\ndata: ${JSON.stringify(JSON.parse(body))}\n\n`;
      for (const s of streams) s.write(frame);
      res.writeHead(201).end();
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
}

async function startPlainProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'plain'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = await once(child.stdout!, 'data');
  const url = String(data).match(/(http:\/\/[\d.:]+)/)![1];
  const rss = () => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) * 1024;
  return { url, rss, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } };
}

interface FanOutTarget {
  streamUrl: string;
  tokens: (string | undefined)[];
  send(marker: string): Promise<void>;
  rss(): number;
}

/** Opens n streams on a target and measures the memory they take (after one message reached them all). */
async function openFanOut(t: FanOutTarget, n: number, name: string) {
  const before = t.rss();
  const streams: ReturnType<typeof stream>[] = [];
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, (_, k) => stream(t.streamUrl, t.tokens[i + k]));
    await Promise.all(batch.map((s) => s.opened));
    streams.push(...batch);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const send = async (marker: string) => {
    const t0 = performance.now();
    const arrivals = Promise.all(streams.map((s) => s.arrival(marker)));
    await t.send(marker);
    return (await arrivals).map((at) => at - t0);
  };
  await send(`bench-warm-${name}`); // every stream is subscribed once this arrives everywhere
  return { send, perStream: (t.rss() - before) / n, close: () => { for (const s of streams) s.close(); } };
}

/**
 * Fans 6 messages out on each target, alternately, so that whatever else the
 * machine does weighs on both alike; the first round of each is a warm-up.
 */
async function measureFanOut(targets: FanOutTarget[], n: number) {
  const opened = [];
  for (const [i, t] of targets.entries()) opened.push(await openFanOut(t, n, String(i)));
  const times: number[][] = targets.map(() => []);
  for (let round = 0; round < 6; round++) {
    for (const [i, o] of opened.entries()) {
      const got = await o.send(`bench-fan-${i}-${round}`);
      if (round > 0) times[i].push(...got);
    }
  }
  for (const o of opened) o.close();
  return opened.map((o, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), perStream: o.perStream, delivered: sorted.length };
  });
}

async function fanOut(n: number, dialect: Dialect): Promise<Row[]> {
  const users: TestUser[] = [...USERS, ...Array.from({ length: n }, (_, i) => ({
    id: 100 + i, username: `u${i}`, full_name: `User ${i}`, email: null, is_active: 1,
  }))];
  const testDb = await createTestDb(dialect, users);
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '' });
  const plain = await startPlainProcess();
  try {
    const alice = await mint({ sub: '1' });
    const api = `${server.url}/api/chat`;
    const channel = await (await fetch(`${api}/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'channel', name: 'Annonces', memberIds: [] }),
    })).json() as { id: number };
    const values = users.slice(USERS.length).map((u) => `(${channel.id}, ${u.id}, 'member', NOW())`).join(', ');
    await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at) VALUES ${values}`);
    const tokens = await Promise.all(users.slice(USERS.length).map((u) => mint({ sub: String(u.id) })));
    const [bff, base] = await measureFanOut([{
      streamUrl: `${api}/events`, tokens, rss: server.rss,
      send: (marker) => post(`${api}/rooms/${channel.id}/messages`, { content: 'À tous', clientId: marker }, alice),
    }, {
      streamUrl: `${plain.url}/events`, tokens: [], rss: plain.rss,
      send: (marker) => post(`${plain.url}/send`, { content: 'À tous', clientId: marker }),
    }], n);
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    return [
      { bench: `events fan-out ${n} ${dialect}`, metric: 'delivered', value: `${bff.delivered} / ${5 * n}`, target: 'all', ok: bff.delivered === 5 * n },
      { bench: `events fan-out ${n} ${dialect}`, metric: 'p50 / p99', value: `${ms(bff.p50)} / ${ms(bff.p99)}`, target: `p50 ≤ ${ms(2 * base.p50)}`, ok: bff.p50 <= 2 * base.p50 },
      { bench: `events fan-out ${n} ${dialect}`, metric: 'memory per stream', value: kb(bff.perStream), target: '≤ 64 KB', ok: bff.perStream <= 64 * 1024 },
      { bench: `plain node:http ${n}`, metric: 'p50 / p99', value: `${ms(base.p50)} / ${ms(base.p99)}` },
      { bench: `plain node:http ${n}`, metric: 'memory per stream', value: kb(base.perStream) },
    ];
  } finally {
    await Promise.all([server.stop(), plain.stop()]);
    await testDb.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'plain') plainBroadcaster();
  else {
    printTable(await benchEvents(await benchDialects()));
    process.exit(0);
  }
}
