import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import proxyAddr from 'proxy-addr';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { nodeEnv, requestHeader } from './node-env';

/** The route pattern a request matched (`/api/chat/rooms/:id`), never its URL; `unmatched` for a 404 of no route. */
export function routeOf(c: Context): string {
  // The endpoint is the last route matched with a method (middleware is registered for ALL);
  // it names the request even when a middleware before it (authentication, a validator) answered.
  const endpoint = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
  return endpoint?.path ?? 'unmatched';
}

/**
 * Whether the handler wrote its response itself (an event stream on Node):
 * headers set on `c.res` afterwards would go nowhere.
 */
export const sentByHandler = (c: Context) => c.res === RESPONSE_ALREADY_SENT;

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's id (X-Request-Id), in every access line and problem. */
    requestId: string;
  }
}

/** A request id taken from the client: letters, digits, `_-=`, 255 at most. */
const GIVEN_ID = /^[\w\-=]{1,255}$/;

/**
 * Every request's id, access line and metrics:
 *
 * - `X-Request-Id` is taken from the request when it is a plain token
 *   (letters, digits, `_-=`, 255 at most) or generated, and answered;
 * - one JSON line per request once its response is sent: method, route
 *   pattern, status, ms, the caller's user id when authenticated, request id
 *   and client address. An event stream's line is written when it ends (its
 *   `ms` is how long it was open). Never the URL, its query, a header or a body;
 * - the client address is the socket's, or, only when that socket is a proxy
 *   listed in TRUST_PROXY, the last address of X-Forwarded-For not itself trusted;
 * - the request counter and duration histogram, by method, route and status.
 */
export function observeRequests({ logger, metrics, trustProxy }: { logger: Logger; metrics: Metrics; trustProxy: string[] }): MiddlewareHandler {
  const trusted = proxyAddr.compile(trustProxy);
  return async (c, next) => {
    const start = performance.now();
    const env = nodeEnv(c);
    const given = requestHeader(c, 'X-Request-Id');
    const id = given && GIVEN_ID.test(given) ? given : crypto.randomUUID();
    c.set('requestId', id);
    // Read now: once the response is sent, the socket may be gone.
    const ip = env.incoming?.socket ? proxyAddr(env.incoming, trusted) : undefined;
    await next();
    // Put on the response once it exists: set before, it would make hono build one early, then copy it.
    const sent = sentByHandler(c);
    if (!sent) c.res.headers.set('X-Request-Id', id);
    const facts: LineFacts = {
      // The base logger, the id as a field: an event stream's line waits as long as the stream, and must not keep a child logger alive.
      logger, requestId: id, metrics, start, ip, method: c.req.method, route: routeOf(c), userId: (c.var as { me?: { id: number } }).me?.id ?? null,
      // An event stream lasts as long as its token: its time says nothing of the server's speed.
      stream: sent || (c.res.headers.get('content-type') ?? '').startsWith('text/event-stream'),
    };
    const outgoing = env.outgoing as Logged | undefined;
    if (!outgoing) accessLine(facts, c.res.status);
    else {
      // On Node, once the response is really sent (or the client has gone): the status sent, the whole time taken.
      outgoing[FACTS] = facts;
      outgoing.on('close', onSent);
    }
  };
}

interface LineFacts {
  logger: Logger; requestId: string; metrics: Metrics; start: number; ip: string | undefined;
  method: string; route: string; userId: number | null; stream: boolean;
}

/**
 * The access line and metrics of a request, from what was read once its
 * handler was done. Written out here, where no request context is in scope:
 * an event stream's line waits as long as the stream lasts, and must not
 * keep the whole context alive until then.
 */
function accessLine(f: LineFacts, status: number, extra: Record<string, unknown> = {}) {
  const ms = Math.round((performance.now() - f.start) * 10) / 10;
  const labels = { method: f.method, route: f.route, status: String(status) };
  f.metrics.httpRequests.inc(labels);
  if (!f.stream) f.metrics.httpDuration.observe(labels, ms / 1000);
  f.logger.info({ requestId: f.requestId, method: f.method, route: f.route, status, ms, userId: f.userId, ip: f.ip, ...extra }, 'request');
}

const FACTS = Symbol('access line');
type Logged = ServerResponse & { [FACTS]?: LineFacts };

/**
 * The one 'close' listener of every Node response: its facts ride on it, so
 * that an open event stream holds no closure of its own for its line.
 */
function onSent(this: Logged) {
  const facts = this[FACTS];
  if (!facts) return;
  this[FACTS] = undefined;
  accessLine(facts, this.statusCode, this.writableFinished ? {} : { aborted: true });
}
