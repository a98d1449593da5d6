import type { ServerResponse } from 'node:http';
import { problemBody, problemHeaders } from '../errors';
import type { Logger } from '../log';
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
  /** Where a failure to start is logged (the request's logger); stderr otherwise. */
  logger?: Logger;
}

/** Response header of a fresh stream: the id of the last event before its first, where its client resumes. */
export const POSITION_HEADER = 'Chat-Last-Event-Id';

interface StreamIo {
  /** Sends the head (with the stream's position when known) and the retry hint. */
  start(after?: number): void;
  write(chunk: string): boolean;
  drained(): Promise<void>;
  /** Ends the stream; before start(), answers 503 when `failed`. */
  end(abort: boolean, failed?: boolean): void;
}

/** The part shared by both kinds of response: subscribe, end at `exp`, release everything once. */
function attach(opts: StreamOptions, io: StreamIo) {
  let closed = false;
  let detach: (() => void) | undefined;
  /** Ends the stream; `abort` drops what is still buffered for a client too far behind. */
  const close = (abort = false, failed = false) => {
    if (closed) return;
    closed = true;
    clearTimeout(expiry);
    detach?.();
    opts.onClose?.();
    io.end(abort, failed);
  };
  const expiry = setTimeout(() => close(), Math.min(Math.max(0, opts.exp * 1000 - Date.now()), MAX_DELAY));
  const sub: Subscriber = {
    userId: opts.userId,
    write: (chunk) => (closed ? true : io.write(chunk)),
    drained: () => (closed ? Promise.resolve() : io.drained()),
    get open() { return !closed; },
    close: () => close(),
    ready: (after) => { if (!closed) io.start(after); },
  };
  opts.hub.subscribe(sub, opts.lastEventId).then(
    (off) => { if (closed) off(); else detach = off; },
    (err) => {
      const text = `ipp-chat events: subscribing failed: ${err instanceof Error ? err.message : err}`;
      if (opts.logger) opts.logger.warn(text);
      else console.error(text);
      close(false, true);
    },
  );
  return close;
}

const headersAt = (headers: Record<string, string>, after?: number) =>
  after === undefined ? headers : { ...headers, [POSITION_HEADER]: String(after) };

const RETRY = 'retry: 3000\n\n';

/** The 503 answered when the stream could not start (the database is down), with the CORS headers kept. */
function unavailable(headers: Record<string, string>): [Record<string, string>, string] {
  const { 'Content-Type': _, 'Cache-Control': __, 'X-Accel-Buffering': ___, ...rest } = headers;
  const facts = { reason: 'database', retryAfter: 5 };
  return [
    { ...rest, ...problemHeaders('unavailable', facts) },
    problemBody('unavailable', 'The database is unavailable; try again shortly.', facts),
  ];
}

/** Streams events straight to the Node response (no per-write promise or Web stream in between). */
export function streamToNode(res: ServerResponse, opts: StreamOptions): void {
  const close = attach(opts, {
    start(after) {
      res.writeHead(200, headersAt(opts.headers, after));
      res.write(RETRY);
    },
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
    end(abort, failed) {
      if (failed && !res.headersSent) {
        const [headers, body] = unavailable(opts.headers);
        res.writeHead(503, headers).end(body);
      } else if (abort) res.destroy();
      else res.end();
    },
  });
  res.on('close', () => close());
}

/**
 * The same stream as a Web Response, where there is no Node response
 * (app.request, other runtimes); resolves once the stream is subscribed.
 */
export function streamToWeb(opts: StreamOptions): Promise<Response> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let close: (abort?: boolean) => void = () => {};
  let waiting: (() => void)[] = [];
  let respond: ((r: Response) => void) | undefined;
  const response = new Promise<Response>((resolve) => (respond = resolve));
  const answer = (r: Response) => { respond?.(r); respond = undefined; };
  const wake = () => { const w = waiting; waiting = []; for (const f of w) f(); };
  const body = new ReadableStream<Uint8Array>({
    start(c) { controller = c; },
    pull: wake,
    cancel() { close(); },
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  close = attach(opts, {
    start(after) {
      controller.enqueue(encoder.encode(RETRY));
      answer(new Response(body, { status: 200, headers: headersAt(opts.headers, after) }));
    },
    write(chunk) {
      controller.enqueue(encoder.encode(chunk));
      const room = controller.desiredSize ?? 0;
      if (room < -MAX_BACKLOG_BYTES) queueMicrotask(() => close(true));
      return room > 0;
    },
    drained: () => new Promise<void>((resolve) => waiting.push(resolve)),
    end(abort, failed) {
      wake();
      try {
        if (abort) controller.error(new Error('too far behind'));
        else controller.close();
      } catch { /* already cancelled */ }
      if (!respond) return;
      const [headers, text] = failed ? unavailable(opts.headers) : [opts.headers, body];
      answer(new Response(text, { status: failed ? 503 : 200, headers }));
    },
  });
  return response;
}
