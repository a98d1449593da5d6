import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createApp } from '../server/app';
import { createVerifier } from '../server/auth';
import { parseEnv } from '../server/env';
import { openDb } from '../server/storage';
import { HIGH_LIMITS } from '../testkit/db';
import { mint, SECRET } from '../testkit/tokens';

/*
 * One export measured in a process of its own (bench/export.ts runs it with
 * --expose-gc): a first download timed, with the growth of the peak RSS; a
 * second one with the live heap sampled after a full GC every 256 KiB read,
 * which tells what the export holds (garbage aside). Prints one JSON line.
 */

const [format, roomId, warmUpRoomId] = process.argv.slice(2);
const config = parseEnv({ ...HIGH_LIMITS, DATABASE_URL: process.env.DATABASE_URL, CHAT_JWT_SECRET: SECRET });
const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
const app = createApp({ config, db, verify: await createVerifier(config.jwtKey, { audience: config.CHAT_JWT_AUDIENCE }) });
const token = await mint({ sub: '1' });
const gc = (globalThis as { gc?: () => void }).gc!;
const status = (field: string) => Number(readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))![1]) * 1024;

async function download(sample: boolean, room = roomId) {
  if (sample) gc();
  const base = process.memoryUsage().heapUsed;
  const res = await app.request(`/api/chat/rooms/${room}/export?format=${format}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  let next = 0;
  let heap = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (sample && bytes >= next) {
      next = bytes + 256 * 1024;
      gc();
      heap = Math.max(heap, process.memoryUsage().heapUsed - base);
    }
  }
  return { bytes, heap };
}

await download(false, warmUpRoomId); // warm-up: code paths and fonts loaded
gc();
const before = status('VmRSS');
writeFileSync('/proc/self/clear_refs', '5');
const started = performance.now();
const { bytes } = await download(false);
const ms = performance.now() - started;
const rssGrowth = status('VmHWM') - before;
const { heap } = await download(true);
console.log(JSON.stringify({ ms, bytes, rssGrowth, heap }));
await db.close();
