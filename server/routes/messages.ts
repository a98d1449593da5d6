import { Hono } from 'hono';
import { badRequest, Problem } from '../errors';
import { isMultipart } from '../services/uploads';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import { isJson, requestBody } from '../body';
import type { Deps } from '../deps';
import type { Limits } from '../limits';
import { editBody, message, messagesQuery, roomParam, searchQuery, sendBody, sendFields, sendMultipart } from '../schemas';
import { deleteMessage, editMessage, listMessages, searchMessages, sendMessage, sendWithFiles } from '../services/messages';
import { doc, parse, valid } from '../validate';

/** Messages: pages of a room, sending (idempotent by clientId), editing, deleting, searching. */
export function messagesRoutes({ db, config, limits }: Deps & { limits: Limits }) {
  return new Hono<AuthEnv>()
    .get('/rooms/:id/messages', doc('A page of messages, oldest first', { schema: z.object({ messages: z.array(message), hasMore: z.boolean() }) }, 400, 404),
      valid('param', roomParam), valid('query', messagesQuery), async (c) => {
        return c.json(await listMessages(db, c.var.me, c.req.valid('param').id, c.req.valid('query')));
      })
    .post('/rooms/:id/messages', doc('Send a message, with files when multipart (201; 200 when the clientId was already sent)',
      { status: 201, schema: message, body: { 'application/json': sendBody, 'multipart/form-data': sendMultipart } }, 400, 404, 409, 413, 415, 429),
    valid('param', roomParam), async (c) => {
      const me = c.var.me;
      const multipart = isMultipart(c.req.header('Content-Type'));
      // Before any query: a flood is turned away without costing the database anything.
      const release = await limits.send(me.id, multipart);
      try {
        const { id } = c.req.valid('param');
        if (!multipart) {
          if (!isJson(c.req.header('Content-Type'))) {
            throw new Problem(415, 'Send the message as application/json, or as multipart/form-data with files.');
          }
          const body = await parse('json', sendBody, await c.req.json().catch(() => { throw badRequest('The body is not valid JSON.'); }));
          const { message: sent, created } = await sendMessage(db, me, id, body);
          return c.json(sent, created ? 201 : 200);
        }
        const upload = {
          body: requestBody(c),
          contentType: c.req.header('Content-Type')!,
          limits: { maxFileBytes: config.MAX_UPLOAD_BYTES, idleMs: config.CHAT_UPLOAD_IDLE_SECONDS * 1000 },
        };
        const { message: sent, created } = await sendWithFiles(db, me, id, config.UPLOAD_DIR, upload, (fields) => parse('form', sendFields, fields));
        return c.json(sent, created ? 201 : 200);
      } finally {
        release();
      }
    })
    .patch('/messages/:id', doc('Edit my message', { schema: message }, 400, 404, 409),
      valid('param', roomParam), valid('json', editBody), async (c) => {
        return c.json(await editMessage(db, c.var.me, c.req.valid('param').id, c.req.valid('json').content));
      })
    .delete('/messages/:id', doc('Delete a message (soft; its files are removed)', { schema: message }, 404),
      valid('param', roomParam), async (c) => {
        return c.json(await deleteMessage(db, c.var.me, c.req.valid('param').id, config.UPLOAD_DIR));
      })
    .get('/search', doc('Messages of my rooms matching q, newest first', { schema: z.array(message) }, 400, 404),
      valid('query', searchQuery), async (c) => {
        const { q, roomId } = c.req.valid('query');
        return c.json(await searchMessages(db, c.var.me, q, roomId));
      });
}
