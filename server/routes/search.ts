import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { SEARCH_DEFAULT, SEARCH_MAX, searchMessages } from '../services/search';
import { message } from '../services/views';
import { doc, idString, limitQuery, valid } from '../validate';

const searchQuery = z.object({
  q: z.string().min(1).max(200),
  roomId: idString.optional(),
  before: idString.optional().describe('The id of the last result of the previous page'),
  limit: limitQuery(SEARCH_MAX).default(SEARCH_DEFAULT),
});

/** GET /search: messages of the caller's rooms. */
export function searchRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('Messages of my rooms matching q, newest first, a page at a time', { schema: z.array(message) }, 400, 404),
      valid('query', searchQuery), async (c) => {
        const { q, ...opts } = c.req.valid('query');
        return c.json(await searchMessages(db, c.var.me, q, opts));
      });
}
