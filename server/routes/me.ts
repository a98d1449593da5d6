import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { permissions } from '../services/access';
import { user } from '../services/views';
import { doc } from '../validate';

/** GET /me: who the token says the caller is, and what they may do. */
export function meRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('The caller and their permissions', { schema: z.object({ user, perms: z.array(z.enum(permissions)) }) }), async (c) => {
      const { perms, exp: _exp, ...me } = c.var.me;
      const online = (await db.online?.([me.id]))?.has(me.id) ?? false;
      return c.json({ user: { ...me, online }, perms: [...perms] });
    });
}
