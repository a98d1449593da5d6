import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { widgetFile } from '../paths';
import { ChatError } from '../services/errors';
import { headers as h, problemResponse } from '../validate';

const CHUNK = /^[A-Za-z0-9_-]+\.js$/;
const YEAR = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=300, must-revalidate';
/** The emoji data changes with the package: a week, then the picker's own ETag check (a HEAD) finds a new one. */
const WEEK = 'public, max-age=604800';
const EMOJI_FILE = /^(fr|en)\.json$/;

/** A built file, read once; null when it is not there. */
function read(path: string): Uint8Array<ArrayBuffer> | null {
  try {
    return new Uint8Array(readFileSync(widgetFile(path)));
  } catch {
    // Answered as a problem: the server is still useful to API clients.
    return null;
  }
}

/** A data file, and its gzip, made once. */
interface Data { bytes: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer>; etag: string }

const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
const script = { 'text/javascript': { schema: { type: 'string' as const } } };

/**
 * The widget's scripts, for any page to load (CORS, since modules are fetched
 * with it): GET /ipp-chat.js, the entry every page loads (revalidated after 5
 * minutes, so a deployment reaches pages soon), GET /ipp-chat-chunks/…,
 * what it imports on first open (named by their content: cached for a year),
 * and GET /ipp-chat-emoji/…, the emoji picker's data.
 */
export function widgetRoutes() {
  const bundle = read('ipp-chat.js');
  const etag = bundle && etagOf(bundle);
  const chunks = new Map<string, Uint8Array<ArrayBuffer>>();
  const headers = { 'Content-Type': 'text/javascript; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
  const emoji = new Map<string, Data>();
  return new Hono()
    .get('/ipp-chat.js', describeRoute({
      summary: 'The <ipp-chat> widget, the ES module any page loads',
      description: 'Public: no token. Cached 5 minutes, then revalidated with its ETag. It imports its other parts from /ipp-chat-chunks/ when the panel first opens.',
      security: [],
      parameters: [{ in: 'header', name: 'If-None-Match', required: false, description: 'The ETag of the copy the client has', schema: { type: 'string' } }],
      responses: {
        200: { description: 'The bundle', headers: { ...h.requestId, ...h.etag, ...h.cacheControl(REVALIDATE) }, content: script },
        304: { description: 'Not modified: the copy the client has is current', headers: { ...h.requestId, ...h.etag } },
        404: problemResponse(404, 'Problem: the widget is not built (`npm run build`)'),
      },
    }), (c) => {
      if (!bundle || !etag) throw new ChatError('not-found', 'The widget bundle is not built: run `npm run build`.');
      const answer = { ...headers, 'Cache-Control': REVALIDATE, ETag: etag };
      if (c.req.header('If-None-Match') === etag) return c.body(null, 304, answer);
      return c.body(bundle, 200, answer);
    })
    .get('/ipp-chat-chunks/:name', describeRoute({
      summary: 'A part of the widget, imported by /ipp-chat.js',
      description: 'Public: no token. Named by its content, so cached for a year.',
      security: [],
      responses: {
        200: { description: 'The part', headers: { ...h.requestId, ...h.cacheControl(YEAR) }, content: script },
        404: problemResponse(404, 'Problem: no such part of the widget'),
      },
    }), (c) => {
      const name = c.req.param('name');
      if (!CHUNK.test(name)) throw new ChatError('not-found', `No such widget file: ${name}.`);
      // Only files that exist are kept: names made up by a client cost nothing after their 404.
      const bytes = chunks.get(name) ?? read(`ipp-chat-chunks/${name}`);
      if (!bytes) throw new ChatError('not-found', `No such widget file: ${name}.`);
      chunks.set(name, bytes);
      return c.body(bytes, 200, { ...headers, 'Cache-Control': YEAR });
    })
    .get('/ipp-chat-emoji/:file', describeRoute({
      summary: "The emoji picker's data in a language (fr.json, en.json)",
      description: 'Public: no token. The names, keywords and skin tones of the emoji for the picker, which fetches it on first use and keeps it'
        + ' in IndexedDB, then checks its ETag (with a HEAD). Gzipped when the client accepts it. Served here so that no page fetches from a third-party host.',
      security: [],
      parameters: [{ in: 'header', name: 'If-None-Match', required: false, description: 'The ETag of the copy the client has', schema: { type: 'string' } }],
      responses: {
        200: {
          description: 'The data, in the JSON format of emoji-picker-element',
          headers: {
            ...h.requestId, ...h.etag, ...h.cacheControl(WEEK),
            'Content-Encoding': { description: '`gzip` when the request accepts it', required: false, schema: { type: 'string', enum: ['gzip'] } },
          },
          content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } } },
        },
        304: { description: 'Not modified: the copy the client has is current', headers: { ...h.requestId, ...h.etag } },
        404: problemResponse(404, 'Problem: no data in that language, or the widget is not built (`npm run build`)'),
      },
    }), (c) => {
      const file = c.req.param('file');
      if (!EMOJI_FILE.test(file)) throw new ChatError('not-found', `No emoji data named ${file}.`);
      let data = emoji.get(file);
      if (!data) {
        const bytes = read(`ipp-chat-emoji/${file}`);
        if (!bytes) throw new ChatError('not-found', `The emoji data ${file} is not built: run \`npm run build\`.`);
        emoji.set(file, (data = { bytes, gzip: new Uint8Array(gzipSync(bytes, { level: 9 })), etag: etagOf(bytes) }));
      }
      const answer = {
        ...headers, 'Content-Type': 'application/json', 'Cache-Control': WEEK, ETag: data.etag, Vary: 'Accept-Encoding',
        // The picker reads the ETag of a cross-origin answer.
        'Access-Control-Expose-Headers': 'ETag',
      };
      if (c.req.header('If-None-Match') === data.etag) return c.body(null, 304, answer);
      if (/\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) return c.body(data.gzip, 200, { ...answer, 'Content-Encoding': 'gzip' });
      return c.body(data.bytes, 200, answer);
    });
}
