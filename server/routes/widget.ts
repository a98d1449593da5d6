import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { ChatError } from '../services/errors';

const dist = new URL('../../dist/', import.meta.url);
const CHUNK = /^[A-Za-z0-9_-]+\.js$/;

/** A built file, read once; null when it is not there. */
function read(path: string): Uint8Array<ArrayBuffer> | null {
  try {
    return new Uint8Array(readFileSync(new URL(path, dist)));
  } catch {
    return null;
  }
}

const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;

/**
 * The widget's scripts, for any page to load (CORS, since modules are fetched
 * with it): GET /ipp-chat.js, the entry every page loads (revalidated after 5
 * minutes, so a deployment reaches pages soon), and GET /ipp-chat-chunks/…,
 * what it imports on first open (named by their content: cached for a year).
 */
export function widgetRoutes() {
  const bundle = read('ipp-chat.js');
  const etag = bundle && etagOf(bundle);
  const chunks = new Map<string, Uint8Array<ArrayBuffer>>();
  const headers = { 'Content-Type': 'text/javascript; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  return new Hono()
    .get('/ipp-chat.js', (c) => {
      if (!bundle || !etag) throw new ChatError('not-found', 'The widget bundle is not built: run `npm run build`.');
      const h = { ...headers, 'Cache-Control': 'public, max-age=300, must-revalidate', ETag: etag };
      if (c.req.header('If-None-Match') === etag) return c.body(null, 304, h);
      return c.body(bundle, 200, h);
    })
    .get('/ipp-chat-chunks/:name', (c) => {
      const name = c.req.param('name');
      if (!CHUNK.test(name)) throw new ChatError('not-found', `No such widget file: ${name}.`);
      // Only files that exist are kept: names made up by a client cost nothing after their 404.
      const bytes = chunks.get(name) ?? read(`ipp-chat-chunks/${name}`);
      if (!bytes) throw new ChatError('not-found', `No such widget file: ${name}.`);
      chunks.set(name, bytes);
      return c.body(bytes, 200, { ...headers, 'Cache-Control': 'public, max-age=31536000, immutable' });
    });
}
