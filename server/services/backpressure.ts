import type { Readable, Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';

/** Bytes an export may hold waiting for a slow reader before it stops reading the database. */
const AHEAD = 1 << 20;

/**
 * Waits while the reader is behind: until `out` (and `source`, the stream
 * feeding it, if any) hold less than AHEAD, so a 50 000-message room is
 * written as fast as it is read, never held whole. Throws once `out` is
 * gone (the client left): the export stops there.
 */
export async function drained(out: Writable & Readable, source?: Readable): Promise<void> {
  for (;;) {
    if (out.destroyed) throw new Error('export: the reader left');
    const held = out.writableLength + out.readableLength + (source?.readableLength ?? 0);
    if (held < AHEAD) return;
    if (out.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    } else await tick();
  }
}
