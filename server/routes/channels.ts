import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { listChannels } from '../services/rooms';
import { room } from '../services/views';
import { doc } from '../validate';

/** GET /channels: the public channels, joined or not (joining is POST /rooms/:id/join). */
export function channelsRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('Public channels', { schema: z.array(room) }), async (c) => c.json(await listChannels(db, c.var.me)));
}
