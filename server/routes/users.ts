import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { searchUsers } from '../services/users';
import { user } from '../services/views';
import { doc, limitQuery, valid } from '../validate';

const usersQuery = z.object({
  q: z.string().max(200).default(''),
  limit: limitQuery(100).default(20),
});

/** GET /users: the directory of active users, to start a conversation with. */
export function usersRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('Active users matching q', { schema: z.array(user) }, 400),
      valid('query', usersQuery), async (c) => {
        const { q, limit } = c.req.valid('query');
        return c.json(await searchUsers(db, c.var.me, q.trim(), limit));
      });
}
