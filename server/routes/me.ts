import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { permissions, requirePerm, type Me } from '../services/access';
import { getSettings, preferences, preferencesPatch, updateSettings, type Settings } from '../services/preferences';
import { user } from '../services/views';
import { doc, valid } from '../validate';

/** GET /me: who the token says the caller is, and what they may do (any valid token); /me/preferences: their notification settings (chat.read). */
export function meRoutes({ db, config }: AppDeps) {
  // E-mail reaches a user when the server sends mail and the users table gives their address.
  const view = (me: Me, settings: Settings) => ({ ...settings, emailAvailable: !!config.mail && !!me.email });
  return new Hono<AuthEnv>()
    .get('/', doc('The caller and their permissions', { schema: z.object({ user, perms: z.array(z.enum(permissions)) }) }), async (c) => {
      const { perms, exp: _exp, ...me } = c.var.me;
      const online = (await db.online?.([me.id]))?.has(me.id) ?? false;
      return c.json({ user: { ...me, online }, perms: [...perms] });
    })
    .get('/preferences', doc('My notification preferences (defaults until changed: e-mail for mentions after 15 minutes, sound on)', { schema: preferences }),
      async (c) => {
        requirePerm(c.var.me, 'chat.read');
        return c.json(view(c.var.me, await getSettings(db, c.var.me.id)));
      })
    .patch('/preferences', doc('Change some of my notification preferences; answers them all', { schema: preferences }, 413),
      valid('json', preferencesPatch), async (c) => {
        // Settings of the chat, for someone who may read it.
        requirePerm(c.var.me, 'chat.read');
        return c.json(view(c.var.me, await updateSettings(db, c.var.me.id, c.req.valid('json'))));
      });
}
