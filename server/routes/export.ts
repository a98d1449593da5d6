import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { isTimeZone } from '../env';
import { contentTypes, DEFAULT_TIME_ZONE, exportFormats, openExport } from '../services/export';
import { streamExport } from '../services/export-stream';
import { doc, idParam, valid } from '../validate';

const exportQuery = z.object({
  format: z.enum(exportFormats).describe('`xlsx`: a spreadsheet, one row per message; `pdf`: a document to read or print'),
  lang: z.enum(['fr', 'en']).default('fr').describe('The language of the headings and of system messages (French by default)'),
  tz: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris').optional()
    .describe(`The time zone of the dates (IANA name, e.g. the browser's); default ${DEFAULT_TIME_ZONE}`),
});

const bytes = (type: string) => ({ schema: { type: 'string', contentMediaType: type, description: 'The file' } as Record<string, unknown> });

/** /rooms/:id/export: the whole conversation as a file, written while it is sent. */
export function exportRoutes({ db, limits, logger }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('The whole conversation as a spreadsheet (xlsx) or a PDF: date, sender, text, the message replied to, attachment names; streamed', {
      description: 'The file, as an attachment',
      content: { [contentTypes.xlsx]: bytes(contentTypes.xlsx), [contentTypes.pdf]: bytes(contentTypes.pdf) },
      headers: {
        'Content-Disposition': {
          description: 'attachment, with an ASCII file name (the room\'s name and the day) and its UTF-8 form (RFC 5987)', required: true,
          schema: { type: 'string', pattern: '^attachment; filename="[\\x20-\\x7e]+"; filename\\*=UTF-8\'\'' },
        },
        'Cache-Control': { description: '`private, no-store`', required: true, schema: { type: 'string', enum: ['private, no-store'] } },
      },
    }, 400, 404, 429),
    valid('param', idParam), valid('query', exportQuery), async (c) => {
      const me = c.var.me;
      const { format, lang, tz } = c.req.valid('query');
      // Before any query: a flood of exports is turned away without costing the database anything.
      const release = await limits.export(me.id);
      try {
        const exp = await openExport(db, me, c.req.valid('param').id, { format, lang, timeZone: tz ?? DEFAULT_TIME_ZONE });
        const body = streamExport(exp, logger, release);
        return c.body(Readable.toWeb(body) as ReadableStream, 200, {
          'Content-Type': exp.contentType,
          'Content-Disposition': exp.disposition,
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
        });
      } catch (e) {
        release();
        throw e;
      }
    });
}
