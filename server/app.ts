import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { describeRoute, openAPIRouteHandler } from 'hono-openapi';
import { authenticate, type AuthEnv } from './auth';
import { limitBody } from './body';
import type { AppDeps, Deps } from './deps';
import { bearerAuth } from 'hono/bearer-auth';
import { errorHandler, onNotFound } from './errors';
import { createHub } from './events/hub';
import { type StoredEvent, withHub } from './events/outbox';
import { POSITION_HEADER } from './events/stream';
import { observeRequests, sentByHandler } from './http-log';
import { createLimits, limitsOptions } from './limits';
import { silentLogger } from './log';
import { createMetrics, type Metrics } from './metrics';
import { attachmentsRoutes } from './routes/attachments';
import { channelsRoutes } from './routes/channels';
import { demoRoutes } from './routes/demo';
import { eventsRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { hostRoutes } from './routes/host';
import { meRoutes } from './routes/me';
import { messagesRoutes } from './routes/messages';
import { reactionsRoutes } from './routes/reactions';
import { roomsRoutes } from './routes/rooms';
import { searchRoutes } from './routes/search';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { usersRoutes } from './routes/users';
import { widgetRoutes } from './routes/widget';
import { headers as h, problemResponse } from './validate';
import { requestHeader } from './node-env';

/** JSON bodies are small: the longest message, escaped, fits in 64 KiB. */
export const JSON_BODY_LIMIT = 64 * 1024;

/** The composition root: every route of the BFF, built from its handles. */
export function createApp(given: Deps) {
  const logger = given.logger ?? silentLogger();
  const metrics = given.metrics ?? createMetrics();
  const events = given.events ?? createHub({ db: given.db, logger, observe: hubObserver(metrics) });
  const limits = given.limits ?? createLimits({ ...limitsOptions(given.config), logger, observe: limitsObserver(metrics) });
  // A commit that recorded events wakes the feed, and the webhooks' worker when there is one.
  const webhooks = given.webhooks;
  const woken = webhooks
    ? { wake(committed?: StoredEvent[]) { events.wake(committed); webhooks.wake(); }, online: (ids: number[]) => events.online(ids) }
    : events;
  const deps: AppDeps = { ...given, events, limits, logger, metrics, db: withHub(given.db, woken) };
  const { config, db, verify } = deps;
  metrics.observe({
    feeds: () => events.stats().subscribers,
    db: () => pingWithin(db.ping(), 2000),
    ...(config.REDIS_URL ? { redis: () => limits.redis() } : {}),
  });
  const app = new Hono();
  app.use(observeRequests({ logger, metrics, trustProxy: config.TRUST_PROXY }));
  const crossOrigin = cors({
    origin: config.CORS_ORIGINS,
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposeHeaders: ['Retry-After', 'Content-Disposition', POSITION_HEADER],
    maxAge: 600,
  });
  const api = new Hono<AuthEnv>()
    // CORS headers only answer a browser's cross-origin request, which always says its Origin: the
    // widget's own (same-origin) requests skip them, and only learn that the answer varies with it.
    .use(async (c, next) => {
      if (requestHeader(c, 'Origin') !== undefined) return crossOrigin(c, next);
      await next();
      if (!sentByHandler(c)) c.res.headers.append('Vary', 'Origin');
    })
    .use(limitBody(JSON_BODY_LIMIT))
    .route('/health', healthRoutes(deps))
    .get('/openapi.json', describeRoute({
      summary: 'This document (OpenAPI 3.1)',
      description: 'Public: no token.',
      security: [],
      responses: { 200: { description: 'The document', headers: h.requestId, content: { 'application/json': { schema: { type: 'object' } } } } },
    }), (c, next) => openapi(c as never, next))
    // The host's own calls take a host token, checked by their router: before the users' authentication.
    .route('/host', hostRoutes(deps));
  // The e-mails' unsubscribe link carries its own signed token, not a session: it sits before authentication.
  if (config.mail) api.route('/unsubscribe', unsubscribeRoutes(deps, config.mail));
  api.use(authenticate(verify, db))
    // /me answers any valid token. Everything else reads chat data, so the services ask for chat.read,
    // after the membership where a room is concerned: a room that is not the caller's is 404 whatever the token lacks.
    .route('/me', meRoutes(deps))
    .route('/users', usersRoutes(deps))
    .route('/rooms', roomsRoutes(deps))
    .route('/channels', channelsRoutes(deps))
    .route('/messages', messagesRoutes(deps))
    .route('/messages', reactionsRoutes(deps))
    .route('/search', searchRoutes(deps))
    .route('/attachments', attachmentsRoutes(deps))
    .route('/events', eventsRoutes(deps));

  // Generated on request from the routes below, so it documents exactly what is served.
  const openapi = openAPIRouteHandler(app, {
    documentation: {
      openapi: '3.1.0',
      info: {
        title: 'ipp-chat API', version: '1',
        description: 'The BFF of the <ipp-chat> widget. Every route under /api/chat but /health and /openapi.json takes `Authorization: Bearer <host-minted JWT>`;'
          + ' /ipp-chat.js is public; /metrics (present only when METRICS_TOKEN is set) takes that token. Failures are RFC 9457 problems; docs/api.md lists their codes.',
      },
      // The paths are absolute (/api/chat/…): the server is wherever this document was fetched from.
      servers: [{ url: '/', description: 'The BFF serving this document' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token minted by the host app for its logged-in user (docs/api.md, Identity)' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
          hostToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token minted by the host app for itself: `scope: "host"`, no `sub` (docs/api.md, The host\'s calls)' },
        },
      },
    },
    // Document /openapi.json and /ipp-chat.js too (they would be skipped as static files).
    excludeStaticFile: false,
    // Every validator answers a bad input with the problem of server/validate.ts.
    defaultValidationErrorResponse: problemResponse(400, undefined, true) as never,
  });
  const secure = secureHeaders({ crossOriginResourcePolicy: false, crossOriginOpenerPolicy: false });
  const handled = async () => {};
  // After the handler, on a response it has not sent itself (an event stream's headers are on their way already).
  app.use(async (c, next) => {
    await next();
    if (!sentByHandler(c)) await secure(c, handled);
  });
  app.route('/api/chat', api);
  app.route('/', widgetRoutes());
  if (config.CHAT_DEMO) {
    app.get('/demo', (c) => c.redirect('/demo/'));
    app.route('/', demoRoutes(deps));
  }
  if (config.METRICS_TOKEN) {
    app.get('/metrics', describeRoute({
      summary: 'Prometheus metrics (README, Logs and metrics)',
      security: [{ metricsToken: [] }],
      responses: {
        200: { description: 'The metrics, in Prometheus text format', headers: h.requestId, content: { 'text/plain': { schema: { type: 'string' } } } },
        401: problemResponse(401, 'Problem: no METRICS_TOKEN, or another one'),
      },
    }), bearerAuth({ token: config.METRICS_TOKEN }), async (c) =>
      c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }));
  }
  app.onError(errorHandler({ logger, unavailable: () => metrics.dbErrors.inc() }));
  app.notFound(onNotFound);
  return app;
}

/** The hub's reports, counted. */
export const hubObserver = (m: Metrics) => ({
  delivered(streams: number, sinceCommitMs: number | null) {
    m.eventsDelivered.inc(streams);
    if (sinceCommitMs !== null) m.deliveryLatency.observe(Math.max(0, sinceCommitMs) / 1000);
  },
  dbError: () => m.dbErrors.inc(),
  redisError: () => m.redisErrors.inc({ client: 'events' }),
});

/** The limits' reports, counted. */
export const limitsObserver = (m: Metrics) => ({
  refused: (reason: string) => m.rateLimited.inc({ reason }),
  redisError: () => m.redisErrors.inc({ client: 'limits' }),
});

/** Whether a ping answers within `ms` (a database that hangs is as good as down). */
function pingWithin(ping: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  return Promise.race([ping.then(() => true, () => false), late]).finally(() => clearTimeout(timer));
}
