import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { headers as h } from '../validate';

const health = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['ok', 'error']),
  redis: z.enum(['ok', 'error']).optional().describe('Only when REDIS_URL is set. Without Redis the BFF still serves (each instance on its own).'),
});

/** The longest /health waits for an answer: a database that hangs is as good as down. */
const PING_TIMEOUT_MS = 2000;

const within = <T>(p: Promise<T>, ms: number, fallback: T) => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(fallback), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
};

/** GET /health: 200 when the database answers, 503 when it does not; Redis is reported when configured. No token needed. */
export function healthRoutes({ db, limits }: AppDeps) {
  return new Hono().get('/', describeRoute({
    summary: 'Liveness of the BFF, its database and (when configured) Redis',
    description: 'Public: no token. 200 while the database answers (Redis down is reported, still 200), 503 when it does not.',
    security: [],
    responses: {
      200: { description: 'Healthy: the database answers', headers: h.requestId, content: { 'application/json': { schema: resolver(health) } } },
      503: { description: 'The database does not answer', headers: h.requestId, content: { 'application/json': { schema: resolver(health) } } },
    },
  }), async (c) => {
    const [dbOk, redis] = await Promise.all([
      within(db.ping().then(() => true, () => false), PING_TIMEOUT_MS, false),
      within(limits.redis(), PING_TIMEOUT_MS, 'error' as const),
    ]);
    const body = { status: dbOk ? 'ok' : 'error', db: dbOk ? 'ok' : 'error', ...(redis ? { redis } : {}) };
    return c.json(body, dbOk ? 200 : 503);
  });
}
