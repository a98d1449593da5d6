import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTestDb, type Dialect } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { benchDialects, cpuMs, ms, percentile, printTable, startServerProcess, type Row, jsonClient } from './lib';

const MEMBERS = Number(process.env.BENCH_ROOM_MEMBERS ?? 10_000);
const JOINERS = Number(process.env.BENCH_ROOM_JOINERS ?? 8);
const SAMPLES = 40;
/** Joins per second measured before room answers stopped embedding every member, at 2 000 members. */
const BEFORE = '45/s at 2 000';

/**
 * Big rooms, on MySQL (MariaDB) when there is one, else on SQLite: joins per
 * second into a public channel as it grows from 0 to 10 000 members (8
 * joining at once, each answered the room), the rate over the last 1 000;
 * then the time to open (GET /rooms/:id and the first page of messages) and
 * to post in that channel beside a group of 3, one request at a time.
 */
export async function benchRooms(dialects: Dialect[]): Promise<Row[]> {
  return bigRoom(dialects.includes('mysql') ? 'mysql' : 'sqlite');
}

async function bigRoom(dialect: Dialect): Promise<Row[]> {
  const testDb = await createTestDb(dialect);
  const people = Array.from({ length: MEMBERS }, (_, i) => 1001 + i);
  for (let i = 0; i < people.length; i += 1000) {
    await testDb.exec(`INSERT INTO users (id, username, full_name, email, is_active) VALUES ${people.slice(i, i + 1000)
      .map((id) => `(${id}, 'u${id}', 'Membre ${id}', NULL, 1)`).join(', ')}`);
  }
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL: '' });
  const api = `${server.url}/api/chat`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: JOINERS });
  const call = jsonClient(api, agent);
  try {
    const alice = await mint({ sub: '1' });
    const channel = (await call(alice, 'POST', '/rooms', { type: 'channel', name: 'Tout le monde', memberIds: [] })).body.id as number;
    const group = (await call(alice, 'POST', '/rooms', { type: 'group', name: 'Trio', memberIds: [2, 3] })).body.id as number;
    const tokens = await Promise.all(people.map((id) => mint({ sub: String(id) })));

    // Joining: each joiner takes the next user, and the answer is read whole, as a widget would.
    const doneAt: number[] = [];
    let next = 0;
    let failed = 0;
    const cpu0 = cpuMs(server.pid);
    const started = performance.now();
    await Promise.all(Array.from({ length: JOINERS }, async () => {
      for (let i = next++; i < tokens.length; i = next++) {
        const { status } = await call(tokens[i], 'POST', `/rooms/${channel}/join`);
        if (status !== 200) failed++;
        doneAt.push(performance.now());
      }
    }));
    const total = (performance.now() - started) / 1000;
    const cpuPerJoin = (cpuMs(server.pid) - cpu0) / doneAt.length;
    const tail = Math.min(1000, doneAt.length - 1);
    const lastRate = tail / ((doneAt.at(-1)! - doneAt.at(-1 - tail)!) / 1000);
    const firstRate = tail / ((doneAt[tail] - started) / 1000);

    // Opening and posting, one request at a time, in the channel and in the group.
    const timed = async (fn: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
      return percentile(times.sort((a, b) => a - b), 50);
    };
    let n = 0;
    const post = (room: number) => async () => {
      const res = await call(alice, 'POST', `/rooms/${room}/messages`, { content: `message ${n}`, clientId: `bench-${n++}` });
      if (res.status !== 201) throw new Error(`post answered ${res.status}`);
    };
    const open = (room: number) => async () => {
      const [got, page] = await Promise.all([call(alice, 'GET', `/rooms/${room}`), call(alice, 'GET', `/rooms/${room}/messages`)]);
      if (got.status !== 200 || page.status !== 200) throw new Error('open failed');
    };
    const postBig = await timed(post(channel));
    const postSmall = await timed(post(group));
    const openBig = await timed(open(channel));
    const openSmall = await timed(open(group));
    const listBig = await timed(() => call(tokens[0], 'GET', '/rooms'));
    const size = JSON.stringify((await call(alice, 'GET', `/rooms/${channel}`)).body).length;

    const bench = `big room ${dialect}`;
    return [
      {
        bench, metric: `joins/s, 0 → ${MEMBERS} members`, value: `${(doneAt.length / total).toFixed(0)}/s${failed ? `, ${failed} failed` : ''} (before: ${BEFORE})`,
      },
      {
        bench, metric: `joins/s, last ${tail} (first ${tail})`, value: `${lastRate.toFixed(0)}/s (${firstRate.toFixed(0)}/s)`,
        target: '≥ 300/s', ok: lastRate >= 300 && !failed,
      },
      { bench, metric: 'server CPU per join (every thread)', value: ms(cpuPerJoin) },
      { bench, metric: `open p50: ${MEMBERS} members / 3`, value: `${ms(openBig)} / ${ms(openSmall)}` },
      { bench, metric: `post p50: ${MEMBERS} members / 3`, value: `${ms(postBig)} / ${ms(postSmall)}` },
      { bench, metric: `GET /rooms p50, a member / answer`, value: `${ms(listBig)} / ${(size / 1024).toFixed(0)} KiB room` },
    ];
  } finally {
    agent.destroy();
    await server.stop();
    await testDb.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable(await benchRooms(await benchDialects()));
  process.exit(0);
}
