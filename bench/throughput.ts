import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, USERS, type Dialect, type TestUser } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { benchDialects, ms, percentile, printTable, startServerProcess, type Row, jsonClient } from './lib';

const SENDERS = 10;
const RECIPIENTS = 10;
const SECONDS = Number(process.env.BENCH_THROUGHPUT_SECONDS ?? 5);

/**
 * Accepted messages per second: 10 senders, each in a group of its own with
 * 10 recipients who all keep the feed open (so every message is fanned out
 * to 10 feeds), POST one message after another for a few seconds against a
 * BFF in its own process.
 */
export async function benchThroughput(dialects: Dialect[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) rows.push(...(await throughput(dialect)));
  return rows;
}

async function throughput(dialect: Dialect): Promise<Row[]> {
  const senders: TestUser[] = Array.from({ length: SENDERS }, (_, i) => ({
    id: 100 + i, username: `s${i}`, full_name: `Sender ${i}`, email: null, is_active: 1,
  }));
  const recipients: TestUser[] = Array.from({ length: SENDERS * RECIPIENTS }, (_, i) => ({
    id: 1000 + i, username: `r${i}`, full_name: `Recipient ${i}`, email: null, is_active: 1,
  }));
  const testDb = await createTestDb(dialect, [...USERS, ...senders, ...recipients]);
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '' });
  const api = `${server.url}/api/chat`;
  const agent: http.Agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const send = jsonClient(api, agent);
  const call = (token: string, path: string, body: unknown) => send(token, 'POST', path, body);
  try {
    const tokens = await Promise.all(senders.map((u) => mint({ sub: String(u.id) })));
    const rooms = await Promise.all(tokens.map(async (t, i) => {
      const created = await call(t, '/rooms', {
        type: 'group', name: `Groupe ${i}`, memberIds: recipients.slice(i * RECIPIENTS, (i + 1) * RECIPIENTS).map((r) => r.id),
      });
      // A room that failed would turn every send of its sender into a failure: the setup fails loudly instead.
      if (created.status !== 201) throw new Error(`creating a room answered ${created.status}: ${JSON.stringify(created.body)}`);
      return created.body.id as number;
    }));
    // The recipients read the feed, so every message is also fanned out (read and dropped).
    const feeds = await Promise.all(recipients.map(async (r) => {
      const token = await mint({ sub: String(r.id) });
      return new Promise<http.ClientRequest>((resolve) => {
        const req = http.get(`${api}/events`, { agent: false, headers: { Authorization: `Bearer ${token}` } }, (res) => { res.resume(); resolve(req); });
        req.on('error', () => {});
      });
    }));
    let accepted = 0;
    let failed = 0;
    const latencies: number[] = [];
    const run = async (token: string, room: number, who: number, until: number) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        const { status } = await call(token, `/rooms/${room}/messages`, { content: `message ${i} de ${who}`, clientId: `tp-${who}-${i}-${until}` });
        if (status === 201) { accepted++; latencies.push(performance.now() - t0); } else failed++;
      }
    };
    // A second of warm-up (JIT, pools), then the measure.
    await Promise.all(tokens.map((t, i) => run(t, rooms[i], i, performance.now() + 1000)));
    [accepted, failed] = [0, 0];
    latencies.length = 0;
    const cpuBefore = cpuSeconds(server.pid);
    const mine = process.cpuUsage();
    const started = performance.now();
    await Promise.all(tokens.map((t, i) => run(t, rooms[i], i, started + SECONDS * 1000)));
    const elapsed = (performance.now() - started) / 1000;
    const rate = accepted / elapsed;
    const serverCpu = (cpuSeconds(server.pid) - cpuBefore) / elapsed;
    const clientUsage = process.cpuUsage(mine);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6 / elapsed;
    for (const f of feeds) f.destroy();
    latencies.sort((a, b) => a - b);
    const target = dialect === 'mysql' ? 500 : undefined;
    return [{
      bench: `throughput ${dialect}`, metric: `accepted messages/s (${SENDERS} senders, ${RECIPIENTS} feeds each)`,
      value: `${rate.toFixed(0)}/s${failed ? `, ${failed} failed` : ''}`,
      target: target ? `≥ ${target}/s` : undefined, ok: target ? rate >= target && !failed : undefined,
    }, {
      bench: `throughput ${dialect}`, metric: 'POST p50 / p99 under that load', value: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))}`,
    }, {
      bench: `throughput ${dialect}`, metric: 'CPU busy: server / bench client', value: `${(serverCpu * 100).toFixed(0)} % / ${(clientCpu * 100).toFixed(0)} %`,
    }];
  } finally {
    agent.destroy();
    await server.stop();
    await testDb.drop();
  }
}

/** CPU time a process has used so far, in seconds (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable(await benchThroughput(await benchDialects()));
  process.exit(0);
}
