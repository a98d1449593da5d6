import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import { permissions } from '../services/access';
import { user } from '../services/views';
import { doc } from '../validate';

/** GET /me: who the token says the caller is, and what they may do. */
export function meRoutes() {
  return new Hono<AuthEnv>()
    .get('/', doc('The caller and their permissions', { schema: z.object({ user, perms: z.array(z.enum(permissions)) }) }), (c) => {
      const { perms, exp: _exp, ...me } = c.var.me;
      return c.json({ user: me, perms: [...perms] });
    });
}
