import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { Deps } from '../deps';
import { user, usersQuery } from '../schemas';
import { searchUsers } from '../services/users';
import { doc, valid } from '../validate';

/** GET /users: the directory of active users, to start a conversation with. */
export function usersRoutes({ db }: Deps) {
  return new Hono<AuthEnv>()
    .get('/users', doc('Active users matching q', { schema: z.array(user) }, 400),
      valid('query', usersQuery), async (c) => {
        const { q, limit } = c.req.valid('query');
        return c.json(await searchUsers(db, c.var.me, q.trim(), limit));
      });
}
