import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import proxyAddr from 'proxy-addr';
import type { Logger } from './log';
import type { Metrics } from './metrics';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's logger: every line it writes carries the request id. */
    log: Logger;
  }
}

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
    const log = logger.child({ requestId: id });
    c.set('log', log);
    const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
    // Read now: once the response is sent, the socket may be gone.
    const ip = env?.incoming?.socket ? proxyAddr(env.incoming, trusted) : undefined;
    const done = (status: number, extra: Record<string, unknown> = {}) => {
      const route = routeOf(c);
      const ms = Math.round((performance.now() - start) * 10) / 10;
      const labels = { method: c.req.method, route, status: String(status) };
      metrics.httpRequests.inc(labels);
      // An event stream lasts as long as its token: its time says nothing of the server's speed.
      const stream = c.res.headers.has('x-hono-already-sent') || (c.res.headers.get('content-type') ?? '').startsWith('text/event-stream');
      if (!stream) metrics.httpDuration.observe(labels, ms / 1000);
      log.info({
        method: c.req.method, route, status, ms, userId: (c.var as { me?: { id: number } }).me?.id ?? null,
        ip, ...extra,
      }, 'request');
    };
    await next();
    const outgoing = env?.outgoing;
    if (!outgoing) return done(c.res.status);
    // On Node, once the response is really sent (or the client has gone): the status sent, the whole time taken.
    outgoing.once('close', () => done(outgoing.statusCode, outgoing.writableFinished ? {} : { aborted: true }));
  });
}
