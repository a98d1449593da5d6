import type { ServerResponse } from 'node:http';
import type { Hub, Subscriber } from './hub';

/** A stream further behind than this is closed: its client resumes from the database with Last-Event-ID. */
export const MAX_BACKLOG_BYTES = 1 << 20;
/** Longest setTimeout delay Node accepts; a token living longer is cut there and the client reconnects. */
const MAX_DELAY = 2 ** 31 - 1;

export interface StreamOptions {
  hub: Hub;
  userId: number;
  /** Token expiry in seconds since the epoch: the stream ends then. */
  exp: number;
  lastEventId?: string;
  headers: Record<string, string>;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
}

/** The part shared by both kinds of response: subscribe, end at `exp`, release everything once. */
function attach(opts: StreamOptions, io: { write(chunk: string): boolean; drained(): Promise<void>; end(abort: boolean): void }) {
  let closed = false;
  let detach: (() => void) | undefined;
  /** Ends the stream; `abort` drops what is still buffered for a client too far behind. */
  const close = (abort = false) => {
    if (closed) return;
    closed = true;
    clearTimeout(expiry);
    detach?.();
    opts.onClose?.();
    io.end(abort);
  };
  const expiry = setTimeout(() => close(), Math.min(Math.max(0, opts.exp * 1000 - Date.now()), MAX_DELAY));
  const sub: Subscriber = {
    userId: opts.userId,
    write: (chunk) => (closed ? true : io.write(chunk)),
    drained: () => (closed ? Promise.resolve() : io.drained()),
    get open() { return !closed; },
    close: () => close(),
  };
  io.write('retry: 3000\n\n');
  opts.hub.subscribe(sub, opts.lastEventId).then(
    (off) => { if (closed) off(); else detach = off; },
    (err) => { console.error('ipp-chat events: subscribing failed:', err instanceof Error ? err.message : err); close(); },
  );
  return close;
}

/** Streams events straight to the Node response (no per-write promise or Web stream in between). */
export function streamToNode(res: ServerResponse, opts: StreamOptions): void {
  res.writeHead(200, opts.headers);
  const close = attach(opts, {
    write(chunk) {
      const ok = res.write(chunk);
      if (res.writableLength > MAX_BACKLOG_BYTES) queueMicrotask(() => close(true));
      return ok;
    },
    drained: () => new Promise<void>((resolve) => {
      const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
      res.on('drain', done);
      res.on('close', done);
    }),
    end: (abort) => (abort ? res.destroy() : res.end()),
  });
  res.on('close', () => close());
}

/** The same stream as a Web Response, where there is no Node response (app.request, other runtimes). */
export function streamToWeb(opts: StreamOptions): Response {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let close: (abort?: boolean) => void = () => {};
  let waiting: (() => void)[] = [];
  const wake = () => { const w = waiting; waiting = []; for (const f of w) f(); };
  const body = new ReadableStream<Uint8Array>({
    start(c) { controller = c; },
    pull: wake,
    cancel() { close(); },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  close = attach(opts, {
    write(chunk) {
      controller.enqueue(encoder.encode(chunk));
      const room = controller.desiredSize ?? 0;
      if (room < -MAX_BACKLOG_BYTES) queueMicrotask(() => close(true));
      return room > 0;
    },
    drained: () => new Promise<void>((resolve) => waiting.push(resolve)),
    end(abort) {
      wake();
      try {
        if (abort) controller.error(new Error('too far behind'));
        else controller.close();
      } catch { /* already cancelled */ }
    },
  });
  return new Response(body, { status: 200, headers: opts.headers });
}
