import { Hono } from 'hono';
import { z } from 'zod';
import { requirePerm, type AuthEnv } from '../auth';
import type { Deps } from '../deps';
import { editBody, message, messagesQuery, roomParam, searchQuery, sendBody } from '../schemas';
import { deleteMessage, editMessage, listMessages, searchMessages, sendMessage } from '../services/messages';
import { requireMember } from '../services/rooms';
import { doc, valid } from '../validate';

/** Messages: pages of a room, sending (idempotent by clientId), editing, deleting, searching. */
export function messagesRoutes({ db }: Deps) {
  return new Hono<AuthEnv>()
    .get('/rooms/:id/messages', doc('A page of messages, oldest first', { schema: z.object({ messages: z.array(message), hasMore: z.boolean() }) }, 400, 404),
      valid('param', roomParam), valid('query', messagesQuery), async (c) => {
        requirePerm(c.var.me, 'chat.read');
        const { id } = c.req.valid('param');
        await requireMember(db, id, c.var.me.id);
        return c.json(await listMessages(db, id, c.req.valid('query')));
      })
    .post('/rooms/:id/messages', doc('Send a message (201; 200 when the clientId was already sent)', { status: 201, schema: message }, 400, 404, 409, 413),
      valid('param', roomParam), valid('json', sendBody), async (c) => {
        requirePerm(c.var.me, 'chat.read');
        requirePerm(c.var.me, 'chat.create');
        const { message: sent, created } = await sendMessage(db, c.var.me, c.req.valid('param').id, c.req.valid('json'));
        return c.json(sent, created ? 201 : 200);
      })
    .patch('/messages/:id', doc('Edit my message', { schema: message }, 400, 404, 409),
      valid('param', roomParam), valid('json', editBody), async (c) => {
        requirePerm(c.var.me, 'chat.read');
        requirePerm(c.var.me, 'chat.update');
        return c.json(await editMessage(db, c.var.me, c.req.valid('param').id, c.req.valid('json').content));
      })
    .delete('/messages/:id', doc('Delete a message (soft)', { schema: message }, 404),
      valid('param', roomParam), async (c) => {
        requirePerm(c.var.me, 'chat.read');
        const { message: deleted } = await deleteMessage(db, c.var.me, c.req.valid('param').id);
        return c.json(deleted);
      })
    .get('/search', doc('Messages of my rooms matching q, newest first', { schema: z.object({ messages: z.array(message) }) }, 400, 404),
      valid('query', searchQuery), async (c) => {
        requirePerm(c.var.me, 'chat.read');
        const { q, roomId } = c.req.valid('query');
        return c.json({ messages: await searchMessages(db, c.var.me, q, roomId) });
      });
}
