import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import proxyAddr from 'proxy-addr';
import type { Logger } from './log';
import type { Metrics } from './metrics';

/** The route pattern a request matched (`/api/chat/rooms/:id`), never its URL; `unmatched` for a 404 of no route. */
export function routeOf(c: Context): string {
  // The endpoint is the last route matched with a method (middleware is registered for ALL);
  // it names the request even when a middleware before it (authentication, a validator) answered.
  const endpoint = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
  return endpoint?.path ?? 'unmatched';
}

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
  const ids = requestId();
  return (c, next) => ids(c, async () => {
    const start = performance.now();
    const id = c.get('requestId');
    const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
    // Read now: once the response is sent, the socket may be gone.
    const ip = env?.incoming?.socket ? proxyAddr(env.incoming, trusted) : undefined;
    await next();
    const line = accessLine({
      // The base logger, the id as a field: an event stream's line waits as long as the stream, and must not keep a child logger alive.
      logger, requestId: id, metrics, start, ip, method: c.req.method, route: routeOf(c), userId: (c.var as { me?: { id: number } }).me?.id ?? null,
      // An event stream lasts as long as its token: its time says nothing of the server's speed.
      stream: c.res.headers.has('x-hono-already-sent') || (c.res.headers.get('content-type') ?? '').startsWith('text/event-stream'),
    });
    const outgoing = env?.outgoing;
    if (!outgoing) line(c.res.status);
    else whenSent(outgoing, line);
  });
}

interface LineFacts {
  logger: Logger; requestId: string; metrics: Metrics; start: number; ip: string | undefined;
  method: string; route: string; userId: number | null; stream: boolean;
}

/**
 * The access line and metrics of a request, from what was read once its
 * handler was done. Built out here, where no request context is in scope:
 * an event stream's line waits as long as the stream lasts, and must not
 * keep the whole context alive until then.
 */
function accessLine(f: LineFacts) {
  return (status: number, extra: Record<string, unknown> = {}) => {
    const ms = Math.round((performance.now() - f.start) * 10) / 10;
    const labels = { method: f.method, route: f.route, status: String(status) };
    f.metrics.httpRequests.inc(labels);
    if (!f.stream) f.metrics.httpDuration.observe(labels, ms / 1000);
    f.logger.info({ requestId: f.requestId, method: f.method, route: f.route, status, ms, userId: f.userId, ip: f.ip, ...extra }, 'request');
  };
}

/** On Node, once the response is really sent (or the client has gone): the status sent, the whole time taken. */
function whenSent(outgoing: ServerResponse, line: ReturnType<typeof accessLine>) {
  outgoing.once('close', () => line(outgoing.statusCode, outgoing.writableFinished ? {} : { aborted: true }));
}
