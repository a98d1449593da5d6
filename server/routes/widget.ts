import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { widgetBundle } from '../paths';
import { ChatError } from '../services/errors';

/** GET /ipp-chat.js: the widget bundle, read once, for any page to load (CORS, since modules are fetched with it). */
export function widgetRoutes() {
  let bundle: Uint8Array<ArrayBuffer> | null = null;
  try {
    bundle = new Uint8Array(readFileSync(widgetBundle()));
  } catch {
    // Served as a problem below: the server is still useful to API clients.
  }
  const etag = bundle && `"${createHash('sha256').update(bundle).digest('base64url').slice(0, 22)}"`;
  return new Hono().get('/ipp-chat.js', (c) => {
    if (!bundle || !etag) throw new ChatError('not-found', 'The widget bundle is not built: run `npm run build`.');
    const headers = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300, must-revalidate',
      ETag: etag,
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(bundle, 200, headers);
  });
}
