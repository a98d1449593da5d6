import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { widgetBundle } from '../paths';
import { ChatError } from '../services/errors';
import { headers as h, problemResponse } from '../validate';

/** GET /ipp-chat.js: the widget bundle, read once, for any page to load (CORS, since modules are fetched with it). */
export function widgetRoutes() {
  let bundle: Uint8Array<ArrayBuffer> | null = null;
  try {
    bundle = new Uint8Array(readFileSync(widgetBundle()));
  } catch {
    // Served as a problem below: the server is still useful to API clients.
  }
  const etag = bundle && `"${createHash('sha256').update(bundle).digest('base64url').slice(0, 22)}"`;
  return new Hono().get('/ipp-chat.js', describeRoute({
    summary: 'The <ipp-chat> widget, one ES module for any page to load',
    description: 'Public: no token. Cached 5 minutes, then revalidated with its ETag.',
    security: [],
    parameters: [{ in: 'header', name: 'If-None-Match', required: false, description: 'The ETag of the copy the client has', schema: { type: 'string' } }],
    responses: {
      200: {
        description: 'The bundle',
        headers: { ...h.requestId, ...h.etag, ...h.cacheControl('public, max-age=300, must-revalidate') },
        content: { 'text/javascript': { schema: { type: 'string' } } },
      },
      304: { description: 'Not modified: the copy the client has is current', headers: { ...h.requestId, ...h.etag } },
      404: problemResponse(404, 'Problem: the widget is not built (`npm run build`)'),
    },
  }), (c) => {
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
