import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { notFound } from '../services/errors';
import { attachmentForMember } from '../services/attachments';
import { doc, headers as h, idParam, valid } from '../validate';

const INLINE = new Set(['jpg', 'png', 'gif', 'webp', 'pdf']);

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266 with RFC 5987 encoding). */
export function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The file or thumbnail answer: its bytes, the cache headers, and 304 while the client's copy is current. */
function fileDoc(thumbnail: boolean) {
  const cache = { ...h.etag, ...h.cacheControl('private, no-cache') };
  return doc(thumbnail ? "An image attachment's thumbnail (WebP)" : 'Download an attachment (inline only for pictures and PDF)', {
    description: thumbnail ? 'The thumbnail' : 'The file, with its stored type',
    parameters: [{ in: 'header', name: 'If-None-Match', required: false, description: 'The ETag of the copy the client has', schema: { type: 'string' } }],
    headers: {
      ...cache,
      ...(thumbnail ? {} : {
        'Content-Disposition': {
          description: '`inline` (pictures, PDF) or `attachment`, with the file name (RFC 6266)', required: true,
          schema: { type: 'string', pattern: '^(inline|attachment); filename=' },
        },
      }),
    },
    content: thumbnail
      ? { 'image/webp': { schema: { type: 'string', contentMediaType: 'image/webp' } } }
      : { '*/*': { schema: { type: 'string', description: 'The bytes of the file' } } },
    more: { 304: { description: 'Not modified: the copy the client has (If-None-Match) is current', headers: cache } },
  }, 404);
}

/** Attachments: the file or its thumbnail, for members of its room only. */
export function attachmentsRoutes({ db, config }: AppDeps) {
  // A widget on another origin reads files with CORS; the policy only matters to no-cors embeds.
  const corp = config.CORS_ORIGINS.length ? 'cross-origin' : 'same-origin';

  const serve = (thumbnail: boolean) => async (c: import('hono').Context<AuthEnv>) => {
    const id = Number(c.req.param('id'));
    const { attachment, path } = await attachmentForMember(db, c.var.me, config.UPLOAD_DIR, id, thumbnail);
    const info = await stat(path).catch(() => { throw notFound('attachment'); });
    const etag = `"${thumbnail ? 't' : 'f'}${attachment.id}-${info.size}"`;
    const headers: Record<string, string> = {
      'Content-Type': thumbnail ? 'image/webp' : attachment.fileType,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': corp,
      // Revalidated at every use (a 304 costs little): a deleted file, or a room one was removed from, is not read from the browser's cache.
      'Cache-Control': 'private, no-cache',
      ETag: etag,
    };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    if (!thumbnail) {
      headers['Content-Disposition'] = contentDisposition(INLINE.has(attachment.fileExtension) ? 'inline' : 'attachment', attachment.fileName);
    }
    headers['Content-Length'] = String(info.size);
    return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200, headers);
  };

  return new Hono<AuthEnv>()
    .get('/:id', fileDoc(false), valid('param', idParam), serve(false))
    .get('/:id/thumbnail', fileDoc(true), valid('param', idParam), serve(true));
}
