import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, type Dialect } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import type { ClientCommand, ClientReply } from './feeds-client';
import { benchDialects, cpuMs, ms, percentile, printTable, startServerProcess, type Row, post } from './lib';
import { startPlainProcess } from './plain';

/**
 * Feeds held by one BFF process, beside a plain node:http SSE broadcaster at
 * the same count in the same run: every feed a member of one channel, the
 * time to open them all, memory per feed (the server process's RSS and heap
 * growth over the count), and messages broadcast to all of them, rounds
 * alternated between the two servers so that whatever else the machine does
 * weighs on both. The feeds are held by child processes of at most 5000 each
 * (bench/feeds-client.ts), as one process may open 20 000 files at most; the
 * server has that limit too, so "20 000" holds what its spare descriptors allow.
 * BENCH_SCALE="2000x100,10000x20" picks the scenarios (feeds × broadcasts).
 */
export async function benchScale(dialects: Dialect[]): Promise<Row[]> {
  const scenarios = (process.env.BENCH_SCALE ?? '2000x100,10000x20,20000x10').split(',').map((s) => s.split('x').map(Number));
  const rows: Row[] = [];
  for (const [n, broadcasts] of scenarios) rows.push(...(await scale(n, broadcasts, dialects.at(-1)!)));
  return rows;
}

const PER_CLIENT = 5000;
/** Feeds each client process opens (and closes) before anything is measured. */
const CLIENT_WARM_UP = 3000;
const now = () => performance.timeOrigin + performance.now();
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const sec = (t: number) => `${(t / 1000).toFixed(1)} s`;
const us = (t: number) => `${t.toFixed(0)} µs`;

/** The open-file limit of a process, and how many it has open now. */
function files(pid: number) {
  const limit = Number(readFileSync(`/proc/${pid}/limits`, 'utf8').match(/Max open files\s+(\d+)/)![1]);
  return { limit, open: readdirSync(`/proc/${pid}/fd`).length };
}

/** The feed-holding child processes, driven over IPC. */
function clients(count: number) {
  const procs: ChildProcess[] = Array.from({ length: count }, () =>
    fork(fileURLToPath(new URL('./feeds-client.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const ask = <R extends ClientReply>(p: ChildProcess, cmd: ClientCommand, answer: R['cmd']) => new Promise<R>((resolve) => {
    const on = (m: ClientReply) => { if (m.cmd === answer) { p.off('message', on); resolve(m as R); } };
    p.on('message', on);
    p.send(cmd);
  });
  const ready = Promise.all(procs.map((p) => new Promise((resolve) => p.once('message', resolve))));
  return {
    ready,
    count,
    /** Opens the feeds, split evenly over the children; resolves how many opened and the time it took. */
    async open(target: number, url: string, tokens: (string | null)[]) {
      const share = Math.ceil(tokens.length / procs.length);
      const t0 = now();
      const done = await Promise.all(procs.map((p, i) =>
        ask<Extract<ClientReply, { cmd: 'opened' }>>(p, { cmd: 'open', target, url, tokens: tokens.slice(i * share, (i + 1) * share), concurrency: 100 }, 'opened')));
      return { ok: done.reduce((s, d) => s + d.ok, 0), failed: done.reduce((s, d) => s + d.failed, 0), ms: Math.max(...done.map((d) => d.at)) - t0 };
    },
    /** Sends one marker through `send` and resolves each feed's latency (NaN when it never came). */
    async broadcast(target: number, marker: string, send: (marker: string) => Promise<void>) {
      await Promise.all(procs.map((p) => ask(p, { cmd: 'expect', target, marker, timeoutMs: 30_000 }, 'expecting')));
      const arrived = Promise.all(procs.map((p) => new Promise<number[]>((resolve) => {
        const on = (m: ClientReply) => { if (m.cmd === 'arrived' && m.target === target) { p.off('message', on); resolve(m.times); } };
        p.on('message', on);
      })));
      const t0 = now();
      await send(marker);
      return (await arrived).flat().map((at) => at - t0);
    },
    /** Closes the feeds of one target. */
    drop: (target: number) => Promise.all(procs.map((p) => ask(p, { cmd: 'drop', target }, 'dropped'))),
    close: () => Promise.all(procs.map((p) => new Promise((resolve) => { p.once('exit', resolve); p.send({ cmd: 'close' }); }))),
  };
}

/** Opens feeds all at once, and closes them once they all answered. */
async function warmUp(url: string, tokens: (string | null)[]) {
  const reqs = tokens.map((token) => http.get(url, { agent: false, headers: token ? { Authorization: `Bearer ${token}` } : {} }));
  await Promise.all(reqs.map((r) => new Promise((resolve) => { r.once('response', resolve); r.once('error', resolve); })));
  for (const r of reqs) r.destroy();
}

/** The heap in use of the BFF, from its /metrics. */
async function bffHeap(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { Authorization: 'Bearer bench-metrics' } })).text();
  return Number(text.match(/^nodejs_heap_size_used_bytes (\S+)$/m)?.[1] ?? NaN);
}

/**
 * The least RSS and heap a server shows while idle for 20 s, as a server between messages is: V8 gives
 * memory back over several idle collections. Taken the same way before the feeds open (after the warm-up's
 * garbage) and after, so that the growth is what the feeds themselves hold.
 */
async function idleLeast(t: { rss(): number; heap(): Promise<number> }): Promise<[number, number]> {
  let [rss, heap] = [Infinity, Infinity];
  for (let s = 0; s < 10; s++) {
    await new Promise((r) => setTimeout(r, 2000));
    [rss, heap] = [Math.min(rss, t.rss()), Math.min(heap, await t.heap())];
  }
  return [rss, heap];
}

async function scale(asked: number, broadcasts: number, dialect: Dialect): Promise<Row[]> {
  const testDb = await createTestDb(dialect);
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '', METRICS_TOKEN: 'bench-metrics' });
  const plain = await startPlainProcess();
  const pool: { close(): Promise<unknown> }[] = [];
  try {
    // What the servers' open-file limits leave for feeds (a few spare for the database and the POSTs).
    const spare = Math.min(...[server.pid, plain.pid].map((pid) => { const f = files(pid); return f.limit - f.open - 32; }));
    const n = Math.min(asked, spare);
    const ids = Array.from({ length: n }, (_, i) => 100 + i);
    for (let i = 0; i < n; i += 5000) {
      await testDb.exec(`INSERT INTO users (id, username, full_name, email, is_active) VALUES ${ids.slice(i, i + 5000).map((id) => `(${id}, 'u${id}', 'User ${id}', NULL, 1)`).join(', ')}`);
    }
    const alice = await mint({ sub: '1' });
    const api = `${server.url}/api/chat`;
    const channel = await (await fetch(`${api}/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'channel', name: 'Annonces', memberIds: [] }),
    })).json() as { id: number };
    for (let i = 0; i < n; i += 5000) {
      await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at) VALUES ${ids.slice(i, i + 5000).map((id) => `(${channel.id}, ${id}, 'member', CURRENT_TIMESTAMP)`).join(', ')}`);
    }
    const tokens = await Promise.all(ids.map((id) => mint({ sub: String(id) })));
    const c = clients(Math.ceil(n / PER_CLIENT));
    pool.push(c);
    await c.ready;
    // The client processes open and close feeds on a server of their own first: their code warmed up, both
    // targets meet the same clients (else the first measured pays for the clients' JIT, a third of its time).
    const warmer = await startPlainProcess();
    try {
      await c.open(2, `${warmer.url}/events`, Array.from({ length: c.count * CLIENT_WARM_UP }, () => 'x'.repeat(260)));
      await c.drop(2);
    } finally {
      await warmer.stop();
    }
    const targets = [
      { name: 'ipp-chat', pid: server.pid, url: `${api}/events`, tokens, rss: server.rss, heap: () => bffHeap(server.url),
        send: (marker: string) => post(`${api}/rooms/${channel.id}/messages`, { content: 'À tous', clientId: marker }, alice) },
      { name: 'plain', pid: plain.pid, url: `${plain.url}/events`, tokens: ids.map(() => null), rss: plain.rss, heap: plain.heap,
        send: (marker: string) => post(`${plain.url}/send`, { content: 'À tous', clientId: marker }) },
    ];
    const measured = [];
    for (const [i, t] of targets.entries()) {
      // A first wave of feeds, opened and closed, so the growth measured is the feeds' own
      // (not the database pool's connections or the JIT's code, made once whatever the count).
      await warmUp(t.url, t.tokens.slice(0, 400));
      await t.send(`bench-before-${i}`);
      const [rss0, heap0] = await idleLeast(t);
      const cpu0 = [cpuMs(t.pid, true), cpuMs(t.pid)];
      const opened = await c.open(i, t.url, t.tokens);
      // Per feed opened: the main thread's work, and the whole process's (the collector's threads too).
      const cpu = [cpuMs(t.pid, true) - cpu0[0], cpuMs(t.pid) - cpu0[1]].map((x) => (x * 1000) / n);
      // Let what the arrivals set off (presence) settle, then one message that every feed must get.
      await new Promise((r) => setTimeout(r, 2000));
      const warm = await c.broadcast(i, `bench-warm-${i}`, t.send);
      const [rss1, heap1] = await idleLeast(t);
      measured.push({ ...opened, cpu, warmMissed: warm.filter(Number.isNaN).length, rss: (rss1 - rss0) / n, heap: (heap1 - heap0) / n, times: [] as number[] });
    }
    for (let round = 0; round < broadcasts; round++) {
      for (const [i, t] of targets.entries()) {
        const got = await c.broadcast(i, `bench-fan-${i}-${round}`, t.send);
        const missed = got.filter(Number.isNaN).length;
        if (missed) console.error(`${t.name}, ${n} feeds, broadcast ${round}: ${missed} feeds got nothing within 30 s`);
        measured[i].times.push(...got);
      }
    }
    const [bff, base] = measured.map((m) => {
      const got = m.times.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      return { ...m, delivered: got.length, p50: percentile(got, 50), p99: percentile(got, 99) };
    });
    const bench = `feeds ${n} ${dialect}`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    return [
      { bench, metric: 'feeds held (asked)', value: `${bff.ok} of ${n} (${asked})${bff.failed ? `, ${bff.failed} refused` : ''}`,
        target: n < asked ? 'fd limit' : 'all', ok: bff.ok === n },
      // Budgets for opening and memory are set from 10 000 feeds: at 2000, the opening is mostly the JIT compiling
      // the path (about 180 µs of main-thread CPU per feed there, 120 µs at 10 000), and what any count costs once
      // (the channel's roster, code) weighs five times as much per feed.
      { bench, metric: 'time to open all: ipp / plain', value: `${sec(bff.ms)} / ${sec(base.ms)} (${ratio(bff.ms, base.ms)})`,
        ...(n >= 10_000 ? { target: '≤ 2×', ok: bff.ms <= 2 * base.ms } : {}) },
      { bench, metric: 'server CPU per feed opened: ipp / plain', value: `${us(bff.cpu[0])} / ${us(base.cpu[0])} main thread, ${us(bff.cpu[1])} / ${us(base.cpu[1])} in all` },
      { bench, metric: 'memory per feed: RSS ipp / plain', value: `${kb(bff.rss)} / ${kb(base.rss)}`,
        ...(n >= 10_000 ? { target: '≤ 16 KB', ok: bff.rss <= 16 * 1024 } : {}) },
      { bench, metric: 'heap per feed: ipp / plain', value: `${kb(bff.heap)} / ${kb(base.heap)}` },
      { bench, metric: `delivered (${broadcasts} broadcasts)`, value: `${bff.delivered} / ${broadcasts * n}`, target: 'all', ok: bff.delivered === broadcasts * n && !bff.warmMissed },
      { bench, metric: 'broadcast p50 / p99: ipp', value: `${ms(bff.p50)} / ${ms(bff.p99)}`, target: `p50 ≤ 1.3×`, ok: bff.p50 <= 1.3 * base.p50 },
      { bench, metric: 'broadcast p50 / p99: plain', value: `${ms(base.p50)} / ${ms(base.p99)} (${ratio(bff.p50, base.p50)})` },
    ];
  } finally {
    for (const c of pool) await c.close();
    await Promise.all([server.stop(), plain.stop()]);
    await testDb.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable(await benchScale(await benchDialects()));
  process.exit(0);
}
