import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { createTestDb } from '../testkit/db';
import { mint } from '../testkit/tokens';
import { mb, ms, startServerProcess, type Row } from './lib';

/**
 * Uploads of 10 MB and 25 MB to a BFF in its own process (time, and the
 * growth of its peak RSS), and the time sharp takes to thumbnail a 6 MP JPEG.
 */
export async function benchUploads(): Promise<Row[]> {
  const rows: Row[] = [];
  const testDb = await createTestDb('sqlite');
  const server = await startServerProcess({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: 'test-secret-of-at-least-32-bytes-long!!', UPLOAD_DIR: `${testDb.url.slice(7)}.uploads` });
  try {
    const token = await mint({ sub: '1' });
    const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/chat${path}`, {
      ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
    const room = await (await api('/rooms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }) })).json();
    const pdf = (size: number) => {
      const bytes = new Uint8Array(size);
      bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
      return bytes;
    };
    const send = async (bytes: Uint8Array) => {
      const form = new FormData();
      form.set('clientId', crypto.randomUUID());
      form.append('files', new Blob([Buffer.from(bytes)]), 'gros.pdf');
      const started = performance.now();
      const res = await api(`/rooms/${room.id}/messages`, { method: 'POST', body: form });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return performance.now() - started;
    };
    await send(pdf(1024 * 1024)); // warm-up: code paths loaded, pools allocated
    for (const size of [10, 25]) {
      const before = server.rss();
      server.resetPeak();
      const times = [];
      for (let i = 0; i < 3; i++) times.push(await send(pdf(size * 1024 * 1024)));
      const growth = server.peakRss() - before;
      const best = Math.min(...times);
      rows.push({ bench: `upload ${size} MB`, metric: 'time (best of 3)', value: ms(best), target: size === 10 ? '< 5000 ms' : undefined, ok: size === 10 ? best < 5000 : undefined });
      rows.push({ bench: `upload ${size} MB`, metric: 'server peak RSS growth', value: mb(growth), target: size === 25 ? '< 64 MB' : undefined, ok: size === 25 ? growth < 64 * 1024 * 1024 : undefined });
    }
  } finally {
    await server.stop();
    await testDb.drop();
  }

  const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await sharp(photo, { limitInputPixels: 40_000_000 }).rotate().resize(480, 480, { fit: 'inside' }).webp({ quality: 78 }).toBuffer();
    times.push(performance.now() - started);
  }
  rows.push({ bench: 'thumbnail 6 MP JPEG', metric: 'time (median of 5)', value: ms(times.sort((a, b) => a - b)[2]) });
  return rows;
}
