import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, type Dialect } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { benchDialects, ms, percentile, printTable, startServerProcess, type Row, post } from './lib';

/**
 * The real-time feed: 1-to-1 send→receive latency over 500 messages (SQLite
 * and MariaDB). The fan-out to thousands of feeds is bench/scale.ts.
 */
export async function benchEvents(dialects: Dialect[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) rows.push(...(await oneToOne(dialect)));
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable(await benchEvents(await benchDialects()));
  process.exit(0);
}
