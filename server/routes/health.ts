import { Hono } from 'hono';
import { describeRoute, resolver } from 'hono-openapi';
import { z } from 'zod';
import type { Deps } from '../deps';

const health = z.object({ status: z.enum(['ok', 'error']), db: z.enum(['ok', 'error']) });

/** GET /health: 200 when the database answers, 503 when it does not. No token needed. */
export function healthRoutes({ db }: Deps) {
  return new Hono().get('/health', describeRoute({
    summary: 'Liveness of the BFF and its database',
    responses: {
      200: { description: 'Healthy', content: { 'application/json': { schema: resolver(health) } } },
      503: { description: 'The database does not answer', content: { 'application/json': { schema: resolver(health) } } },
    },
  }), async (c) => {
    const ok = await db.ping().then(() => true, () => false);
    return c.json({ status: ok ? 'ok' : 'error', db: ok ? 'ok' : 'error' }, ok ? 200 : 503);
  });
}
