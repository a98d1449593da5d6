import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from '../log';
import { err } from '../log';
import type { RoomExport } from './export';
import { findFonts, writePdf } from './export-pdf';
import { writeXlsx } from './export-xlsx';

/**
 * The file of an export as a stream: written while it is read, page after
 * page of messages. A failure half-way (the database gone) ends the stream
 * with an error, and is logged; `done` runs once it is over either way.
 */
export function streamExport(exp: RoomExport, logger: Logger, done: () => void): Readable {
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  out.once('close', done);
  const write = exp.options.format === 'xlsx' ? writeXlsx(exp, out) : writePdf(exp, out, findFonts(logger));
  write.catch((e: unknown) => {
    if (out.destroyed) return; // the client left: nothing to tell
    logger.error({ err: e instanceof Error ? err(e) : e, roomId: exp.meta.roomId, format: exp.options.format }, 'export failed');
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  return out;
}
