import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { canonicalEmoji, EMOJI_MAX_LENGTH } from '../services/emoji';
import { addReaction, removeReaction } from '../services/reactions';
import { reactionState } from '../services/views';
import { doc, idString, valid } from '../validate';

/** `:id/reactions/:emoji`: the message, and exactly one emoji (percent-encoded), kept in its fully-qualified form. */
const reactionParams = z.object({
  id: idString,
  emoji: z.string().max(EMOJI_MAX_LENGTH)
    .transform((text, ctx) => canonicalEmoji(text) ?? (ctx.addIssue({ code: 'custom', message: 'must be exactly one emoji' }), z.NEVER))
    .describe('Exactly one emoji, percent-encoded (`%F0%9F%91%8D` for 👍)'),
});

/** /messages/:id/reactions/:emoji: my reaction to a message of my room. */
export function reactionsRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .put('/:id/reactions/:emoji', doc('Add my reaction (201; 200 when it was already there)', {
      status: 201, description: 'Added', schema: reactionState, also: { 200: 'Already there: nothing changed' },
    }, 404, 409),
    valid('param', reactionParams), async (c) => {
      const { id, emoji } = c.req.valid('param');
      const { reaction, created } = await addReaction(db, c.var.me, id, emoji);
      return c.json(reaction, created ? 201 : 200);
    })
    .delete('/:id/reactions/:emoji', doc('Remove my reaction (204, whether it was there or not)', {
      status: 204, description: 'Removed',
    }, 404, 409),
    valid('param', reactionParams), async (c) => {
      const { id, emoji } = c.req.valid('param');
      await removeReaction(db, c.var.me, id, emoji);
      return c.body(null, 204);
    });
}
