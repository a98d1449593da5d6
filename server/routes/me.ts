import { Hono } from 'hono';
import type { AuthEnv } from '../auth';
import { permissions } from '../services/access';
import { doc } from '../validate';
import { user } from '../schemas';
import { z } from 'zod';

/** GET /me: who the token says the caller is, and what they may do. */
export function meRoutes() {
  return new Hono<AuthEnv>()
    .get('/me', doc('The caller and their permissions', { schema: z.object({ user, perms: z.array(z.enum(permissions)) }) }), (c) => {
      const { perms, exp: _exp, ...me } = c.var.me;
      return c.json({ user: me, perms: [...perms] });
    });
}
