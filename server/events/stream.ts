import type { ServerResponse } from 'node:http';
import { problemBody, problemHeaders } from '../errors';
import type { Logger } from '../log';
import type { Hub, Subscriber } from './hub';

/** A stream further behind than this is closed: its client resumes from the database with Last-Event-ID. */
export const MAX_BACKLOG_BYTES = 1 << 20;

export interface StreamOptions {
  hub: Hub;
  userId: number;
  /** Token expiry in seconds since the epoch: the stream ends then. */
  exp: number;
  lastEventId?: string;
  headers: Record<string, string>;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
  /** Where a failure to start is logged, with the request's id; stderr otherwise. */
  logger?: Logger;
  requestId?: string;
}

/** Response header of a fresh stream: the id of the last event before its first, where its client resumes. */
export const POSITION_HEADER = 'Chat-Last-Event-Id';

/**
 * Streams by the second their token expires: one check a second ends those
 * due, for every stream of the process, instead of a timer for each.
 */
const expiring = new Map<number, Set<Feed>>();
let sweeper: NodeJS.Timeout | undefined;

function sweep() {
  const now = Date.now() / 1000;
  for (const [exp, feeds] of expiring) {
    if (exp > now) continue;
    expiring.delete(exp);
    for (const f of feeds) f.close();
  }
  if (!expiring.size) { clearInterval(sweeper); sweeper = undefined; }
}

/** Takes an ended stream off the expiry check, which stops once no stream is left (a server can exit). */
function unexpire(feed: Feed) {
  const exp = feed.userExp;
  const set = expiring.get(exp);
  if (!set?.delete(feed) || set.size) return;
  expiring.delete(exp);
  if (!expiring.size) { clearInterval(sweeper); sweeper = undefined; }
}

/**
 * The part shared by both kinds of response: subscribe, end at `exp`,
 * release everything once. One object per stream, its methods shared (no
 * closures per stream: 10 000 streams are held by one process).
 */
abstract class Feed implements Subscriber {
  readonly userId: number;
  /** When the stream's token expires (seconds since the epoch). */
  readonly userExp: number;
  private closed = false;
  private detach: (() => void) | undefined;
  private readonly onClose: (() => void) | undefined;
  /** The head's headers, until it is sent: a stream lasts, and keeps only what it still needs. */
  protected headers: Record<string, string> | null;

  constructor(opts: StreamOptions) {
    this.userId = opts.userId;
    this.userExp = opts.exp;
    this.onClose = opts.onClose;
    this.headers = opts.headers;
  }

  /** Subscribes, and ends the stream when its token expires. */
  protected attach({ hub, lastEventId, logger, requestId }: StreamOptions) {
    const exp = this.userExp;
    let set = expiring.get(exp);
    if (!set) expiring.set(exp, (set = new Set()));
    set.add(this);
    sweeper ??= setInterval(sweep, 1000);
    hub.subscribe(this, lastEventId).then(
      (off) => { if (this.closed) off(); else this.detach = off; },
      (err) => {
        const text = `ipp-chat events: subscribing failed: ${err instanceof Error ? err.message : err}`;
        if (logger) logger.warn({ requestId }, text);
        else console.error(text);
        this.end(false, true);
      },
    );
  }

  get open() { return !this.closed; }

  write(chunk: string | Uint8Array) { return this.closed ? true : this.push(chunk); }

  drained() { return this.closed ? Promise.resolve() : this.waitDrain(); }

  ready(after?: number) {
    if (this.closed || !this.headers) return;
    this.start(headersAt(this.headers, after));
    this.headers = null;
  }

  close() { this.end(false); }

  /** Ends the stream; `abort` drops what is still buffered for a client too far behind. */
  end(abort = false, failed = false) {
    if (this.closed) return;
    this.closed = true;
    unexpire(this);
    this.detach?.();
    this.onClose?.();
    this.finish(abort, failed);
  }

  /** Sends the head (with the stream's position when known) and the retry hint. */
  protected abstract start(headers: Record<string, string>): void;
  protected abstract push(chunk: string | Uint8Array): boolean;
  protected abstract waitDrain(): Promise<void>;
  /** Ends the response; before start(), answers 503 when `failed`. */
  protected abstract finish(abort: boolean, failed: boolean): void;
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

const FEED = Symbol('feed');
type FeedResponse = ServerResponse & { [FEED]?: NodeFeed };
/** The one 'close' listener of every Node response that carries a feed. */
function onResponseClose(this: FeedResponse) { this[FEED]?.close(); }

class NodeFeed extends Feed {
  constructor(private readonly res: FeedResponse, opts: StreamOptions) {
    super(opts);
    res[FEED] = this;
    res.on('close', onResponseClose);
    this.attach(opts);
  }

  protected start(headers: Record<string, string>) {
    this.res.writeHead(200, headers);
    this.res.write(RETRY);
  }

  protected push(chunk: string | Uint8Array) {
    // Node corks the socket for a chunk's framing and sends it at the end of the tick: in a fan-out to
    // thousands of streams, the first would wait for the last to be queued. One write is one whole chunk.
    const socket = this.res.socket;
    const corked = socket?.writableCorked ?? 0;
    const ok = this.res.write(chunk);
    if (socket && socket.writableCorked > corked) socket.uncork();
    if (this.res.writableLength > MAX_BACKLOG_BYTES) queueMicrotask(() => this.end(true));
    return ok;
  }

  protected waitDrain() {
    const res = this.res;
    return new Promise<void>((resolve) => {
      const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  protected finish(abort: boolean, failed: boolean) {
    const res = this.res;
    res[FEED] = undefined;
    if (failed && this.headers && !res.headersSent) {
      const [headers, body] = unavailable(this.headers);
      res.writeHead(503, headers).end(body);
    } else if (abort) res.destroy();
    else res.end();
  }
}

/** Streams events straight to the Node response (no per-write promise or Web stream in between). */
export function streamToNode(res: ServerResponse, opts: StreamOptions): void {
  new NodeFeed(res, opts);
}

class WebFeed extends Feed {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private waiting: (() => void)[] = [];
  private respond: ((r: Response) => void) | undefined;
  private readonly body: ReadableStream<Uint8Array>;
  readonly response: Promise<Response>;

  constructor(opts: StreamOptions) {
    super(opts);
    this.response = new Promise<Response>((resolve) => (this.respond = resolve));
    this.body = new ReadableStream<Uint8Array>({
      start: (c) => { this.controller = c; },
      pull: () => this.wake(),
      cancel: () => this.close(),
    }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
    this.attach(opts);
  }

  private answer(r: Response) { this.respond?.(r); this.respond = undefined; }

  private wake() { const w = this.waiting; this.waiting = []; for (const f of w) f(); }

  protected start(headers: Record<string, string>) {
    this.controller.enqueue(encoder.encode(RETRY));
    this.answer(new Response(this.body, { status: 200, headers }));
  }

  protected push(chunk: string | Uint8Array) {
    this.controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    const room = this.controller.desiredSize ?? 0;
    if (room < -MAX_BACKLOG_BYTES) queueMicrotask(() => this.end(true));
    return room > 0;
  }

  protected waitDrain() { return new Promise<void>((resolve) => this.waiting.push(resolve)); }

  protected finish(abort: boolean, failed: boolean) {
    this.wake();
    try {
      if (abort) this.controller.error(new Error('too far behind'));
      else this.controller.close();
    } catch { /* already cancelled */ }
    if (!this.respond || !this.headers) return;
    const [headers, text] = failed ? unavailable(this.headers) : [this.headers, this.body];
    this.answer(new Response(text, { status: failed ? 503 : 200, headers }));
  }
}

const encoder = new TextEncoder();

/**
 * The same stream as a Web Response, where there is no Node response
 * (app.request, other runtimes); resolves once the stream is subscribed.
 */
export function streamToWeb(opts: StreamOptions): Promise<Response> {
  return new WebFeed(opts).response;
}
