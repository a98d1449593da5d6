import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../server/app';
import { createVerifier } from '../server/auth';
import { parseEnv } from '../server/env';
import { openDb } from '../server/storage';
import { createTestDb, HIGH_LIMITS, type Dialect } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';
import { benchDialects, printTable, type Row } from './lib';

const SENDS = 50;

/**
 * The SQL statements one sent message costs on MySQL, counted where Drizzle
 * hands them to the driver (transaction begin and commit included): a
 * sender's POSTs to a group of 10 whose members all have the feed open, in
 * process, one after another, so the feed's reads are counted per message too.
 */
export async function benchStatements(dialects: Dialect[]): Promise<Row[]> {
  if (!dialects.includes('mysql')) return [];
  const testDb = await createTestDb('mysql', [
    { id: 1, username: 'alice', full_name: 'Alice Martin', email: null, is_active: 1 },
    ...Array.from({ length: 10 }, (_, i) => ({ id: 100 + i, username: `r${i}`, full_name: `Reader ${i}`, email: null, is_active: 1 })),
  ]);
  const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: mkdtempSync(join(tmpdir(), 'ippchat-up-')), ...HIGH_LIMITS });
  let counting = false;
  const seen = new Map<string, number>();
  const db = await openDb(config.DATABASE_URL, {
    usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS,
    logQuery: (query) => {
      if (!counting) return;
      const kind = query.trim().split(/\s+/)[0].toUpperCase();
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    },
  });
  const app = createApp({ config, db, verify: await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE }) });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(`/api/chat${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
    return res;
  };
  try {
    const alice = await mint({ sub: '1' });
    const readers = await Promise.all(Array.from({ length: 10 }, (_, i) => mint({ sub: String(100 + i) })));
    const room = await (await call(alice, 'POST', '/rooms', { type: 'group', name: 'Dix', memberIds: readers.map((_, i) => 100 + i) })).json() as { id: number };
    const feeds = await Promise.all(readers.map(async (t) => (await call(t, 'GET', '/events')).body!.getReader()));
    const drain = feeds.map(async (r) => { while (!(await r.read()).done); });
    const send = (i: number) => call(alice, 'POST', `/rooms/${room.id}/messages`, { content: `message ${i}`, clientId: `st-${i}` });
    for (let i = 0; i < 5; i++) await send(i);
    await new Promise((r) => setTimeout(r, 200));
    counting = true;
    for (let i = 5; i < 5 + SENDS; i++) {
      await send(i);
      // The feed's reader runs once per message here (under load it reads many at once).
      await new Promise((r) => setTimeout(r, 20));
    }
    counting = false;
    for (const f of feeds) await f.cancel();
    await Promise.all(drain);
    const per = (n: number) => (n / SENDS).toFixed(1).replace(/\.0$/, '');
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    return [{
      bench: 'send path mysql', metric: 'SQL statements per message',
      value: `${per(total)} (${[...seen].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${per(n)} ${k}`).join(', ')})`,
    }];
  } finally {
    await db.close();
    await testDb.drop();
    rmSync(config.UPLOAD_DIR, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printTable(await benchStatements(await benchDialects()));
  process.exit(0);
}
