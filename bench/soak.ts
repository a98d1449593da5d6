import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createTestDb, USERS, type TestUser } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { mb, ms, percentile, startServerProcess } from './lib';

/**
 * `npm run soak`: a BFF in its own process on MariaDB (and Redis) holds 500
 * event streams for SOAK_SECONDS (default 600) under steady traffic — 10
 * messages a second in 50 groups of 10, one channel message to all 500 every
 * 5 s, typing and read markers, and 10 streams dropped and resumed with
 * Last-Event-ID every 10 s. It reports the server's memory over time (RSS at
 * start, end and peak), errors, and whether every stream got every message of
 * its rooms exactly once.
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const STREAMS = 500;
const GROUP = 10;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const users: TestUser[] = Array.from({ length: STREAMS }, (_, i) => ({
  id: 100 + i, username: `s${i}`, full_name: `Soak ${i}`, email: null, is_active: 1,
}));

/** One client's feed, reconnecting with Last-Event-ID like the widget; counts each message id it gets. */
function follow(url: string, token: string, errors: string[]) {
  const got = new Map<number, number>();
  let lastId: string | undefined;
  let req: http.ClientRequest | undefined;
  let stopped = false;
  let reconnects = 0;
  const open = () => {
    let tail = '';
    req = http.get(url, { agent: false, headers: { Authorization: `Bearer ${token}`, ...(lastId ? { 'Last-Event-ID': lastId } : {}) } }, (res) => {
      if (res.statusCode !== 200) errors.push(`stream answered ${res.statusCode}`);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const text = tail + chunk;
        const cut = text.lastIndexOf('\n\n');
        if (cut < 0) { tail = text; return; }
        for (const frame of text.slice(0, cut).split('\n\n')) {
          const id = frame.match(/^id: (\d+)$/m)?.[1];
          if (id) lastId = id;
          if (frame.includes('event: message.created')) {
            const messageId = Number(frame.match(/^data: \{"id":(\d+)/m)?.[1]);
            got.set(messageId, (got.get(messageId) ?? 0) + 1);
          }
        }
        tail = text.slice(cut + 2);
      });
      res.on('close', () => { if (!stopped) { reconnects++; setTimeout(open, 100); } });
    });
    req.on('error', () => {});
  };
  open();
  return {
    got,
    get reconnects() { return reconnects; },
    /** Drops the connection; it comes back by itself with Last-Event-ID. */
    drop: () => req?.destroy(),
    stop: () => { stopped = true; req?.destroy(); },
  };
}

async function main() {
  const testDb = await createTestDb('mysql', [...USERS, ...users]);
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, REDIS_URL });
  const api = `${server.url}/api/chat`;
  const errors: string[] = [];
  const tokens = await Promise.all(users.map((u) => mint({ sub: String(u.id) }, { expiresIn: '3h' })));
  let typingRefused = 0;
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    try {
      const res = await fetch(`${api}${path}`, {
        method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      // Typing is limited to one signal a second per user and room: a refusal there is the limit at work.
      if (res.status === 429 && path.endsWith('/typing')) typingRefused++;
      else if (res.status >= 300) errors.push(`${method} ${path.replace(/\d+/g, ':id')} answered ${res.status}`);
      return text ? JSON.parse(text) : null;
    } catch (err) {
      errors.push(`${method} ${path.replace(/\d+/g, ':id')}: ${(err as Error).message}`);
      return null;
    }
  };

  // 50 groups of 10 (the first of each is its admin), and one channel of everyone.
  const groups: { id: number; members: number[] }[] = [];
  for (let g = 0; g < STREAMS / GROUP; g++) {
    const members = Array.from({ length: GROUP }, (_, k) => g * GROUP + k);
    const room = await call(tokens[members[0]], 'POST', '/rooms', { type: 'group', name: `Équipe ${g}`, memberIds: members.slice(1).map((i) => users[i].id) });
    groups.push({ id: room.id, members });
  }
  const channel = await call(tokens[0], 'POST', '/rooms', { type: 'channel', name: 'Annonces', memberIds: users.slice(1).map((u) => u.id) });

  const feeds = tokens.map((t) => follow(`${api}/events`, t, errors));
  await new Promise((r) => setTimeout(r, 3000));
  const expected = new Map<number, number[]>(); // message id → indexes of the users who must get it
  const rss: number[] = [server.rss()];
  const sendTimes: number[] = [];
  let n = 0;
  const send = async (who: number, room: number, audience: number[]) => {
    const t0 = performance.now();
    const msg = await call(tokens[who], 'POST', `/rooms/${room}/messages`, { content: `soak ${++n}`, clientId: `soak-${n}` });
    if (msg?.id) { expected.set(msg.id, audience); sendTimes.push(performance.now() - t0); }
    return msg;
  };

  console.log(`soak: ${STREAMS} streams on ${server.url}, ${SECONDS} s; RSS at start ${mb(rss[0])}`);
  const started = Date.now();
  const end = started + SECONDS * 1000;
  const timers = [
    setInterval(() => {
      const g = groups[Math.floor(Math.random() * groups.length)];
      const who = g.members[Math.floor(Math.random() * GROUP)];
      void send(who, g.id, g.members).then((msg) => {
        // Someone else reads it and is seen typing.
        const reader = g.members[(g.members.indexOf(who) + 1) % GROUP];
        if (msg?.id) void call(tokens[reader], 'POST', `/rooms/${g.id}/read`, { messageId: msg.id });
        void call(tokens[reader], 'POST', `/rooms/${g.id}/typing`);
      });
    }, 100),
    setInterval(() => void send(0, channel.id, users.map((_, i) => i)), 5000),
    setInterval(() => {
      for (let k = 0; k < 10; k++) feeds[Math.floor(Math.random() * STREAMS)].drop();
      const g = groups[Math.floor(Math.random() * groups.length)];
      void call(tokens[g.members[0]], 'GET', `/rooms/${g.id}/messages`);
      void call(tokens[g.members[0]], 'GET', '/rooms');
    }, 10_000),
    setInterval(() => rss.push(server.rss()), 5000),
    setInterval(() => {
      const elapsed = Math.round((Date.now() - started) / 1000);
      console.log(`  ${String(elapsed).padStart(4)} s  RSS ${mb(rss[rss.length - 1])}  messages ${expected.size}  errors ${errors.length}`);
    }, 60_000),
  ];
  await new Promise((r) => setTimeout(r, end - Date.now()));
  for (const t of timers) clearInterval(t);
  // Let the last sends and resumes land.
  await new Promise((r) => setTimeout(r, 5000));
  rss.push(server.rss());

  let missing = 0;
  let twice = 0;
  for (const [id, audience] of expected) {
    for (const i of audience) {
      const count = feeds[i].got.get(id) ?? 0;
      if (count === 0) missing++;
      if (count > 1) twice++;
    }
  }
  const deliveries = [...expected.values()].reduce((sum, a) => sum + a.length, 0);
  for (const f of feeds) f.stop();
  await server.stop();
  await testDb.drop();

  const kinds = new Map<string, number>();
  for (const e of errors) kinds.set(e, (kinds.get(e) ?? 0) + 1);
  sendTimes.sort((a, b) => a - b);
  console.log([
    '',
    `duration            ${SECONDS} s, ${STREAMS} streams, ${feeds.reduce((s, f) => s + f.reconnects, 0)} resumes with Last-Event-ID`,
    `messages            ${expected.size} sent, ${deliveries} deliveries due: ${missing} missing, ${twice} twice`,
    `send p50 / p99      ${ms(percentile(sendTimes, 50))} / ${ms(percentile(sendTimes, 99))}`,
    `server RSS          start ${mb(rss[0])}, end ${mb(rss[rss.length - 1])}, peak ${mb(Math.max(...rss))} (drift ${mb(rss[rss.length - 1] - rss[0])})`,
    `typing refused      ${typingRefused} (the one-a-second limit)`,
    `errors              ${errors.length}${[...kinds].map(([k, c]) => `\n  ${c} × ${k}`).join('')}`,
  ].join('\n'));
  process.exit(missing || twice || errors.length ? 1 : 0);
}

await main();
