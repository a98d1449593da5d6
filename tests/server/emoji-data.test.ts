import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectDocumented, startServer, type TestServer } from './harness';

/** GET /ipp-chat-emoji/<locale>.json: the emoji picker's data, from the BFF itself (npm test builds it first). */
describe("the emoji picker's data", () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer('sqlite'); });
  afterAll(() => server?.close());
  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    expectDocumented(server.app, 'GET', path, await server.app.request(path, { method, headers }));

  it('serves the French and English names, gzipped for a client that accepts it, cached and public', async () => {
    // (Gzipped bytes are not JSON to the document checker: this one answer is checked here, the plain one below.)
    const fr = await server.app.request('/ipp-chat-emoji/fr.json', { headers: { 'Accept-Encoding': 'gzip, deflate, br', Origin: 'https://erp.example' } });
    expect(fr.status).toBe(200);
    expect(fr.headers.get('content-encoding')).toBe('gzip');
    expect(fr.headers.get('cache-control')).toBe('public, max-age=604800');
    expect(fr.headers.get('access-control-allow-origin')).toBe('*');
    expect(fr.headers.get('access-control-expose-headers')).toBe('ETag');
    const body = gunzipSync(Buffer.from(await fr.arrayBuffer()));
    expect(body.equals(readFileSync('dist/ipp-chat-emoji/fr.json'))).toBe(true);
    const thumbs = (JSON.parse(body.toString()) as { emoji: string; annotation: string }[]).find((e) => e.emoji.startsWith('👍'));
    expect(thumbs?.annotation).toMatch(/pouce/i);
    const en = await (await get('/ipp-chat-emoji/en.json')).json();
    expect(en.find((e: { emoji: string }) => e.emoji.startsWith('👍')).annotation).toMatch(/thumbs up/i);
  });

  it('answers a HEAD with the ETag the picker compares, and 304 to a client that has it', async () => {
    const head = await server.app.request('/ipp-chat-emoji/en.json', { method: 'HEAD' });
    expect(head.status).toBe(200);
    const etag = head.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await get('/ipp-chat-emoji/en.json', { 'If-None-Match': etag })).status).toBe(304);
  });

  it('serves nothing else from there', async () => {
    for (const name of ['de.json', '..%2Fpackage.json', 'fr.js', 'fr.json.map']) expect((await get(`/ipp-chat-emoji/${name}`)).status).toBe(404);
  });
});
