import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { searchMessages } from '../services/messages';
import { message } from '../services/views';
import { doc, idString, valid } from '../validate';

const searchQuery = z.object({
  q: z.string().min(1).max(200),
  roomId: idString.optional(),
});

/** GET /search: messages of the caller's rooms. */
export function searchRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('Messages of my rooms matching q, newest first', { schema: z.array(message) }, 400, 404),
      valid('query', searchQuery), async (c) => {
        const { q, roomId } = c.req.valid('query');
        return c.json(await searchMessages(db, c.var.me, q, roomId));
      });
}
