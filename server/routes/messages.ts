import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import { isJson, isMultipart, requestBody } from '../body';
import type { AppDeps } from '../deps';
import { MAX_FILES } from '../services/uploads';
import { badRequest, unsupportedType } from '../services/errors';
import { deleteMessage, editMessage, listMessages, MAX_CONTENT, PAGE_MAX, sendMessage, sendWithFiles } from '../services/messages';
import { message } from '../services/views';
import { doc, idNumber, idParam, idString, limitQuery, parse, valid } from '../validate';

const messagesQuery = z.object({
  before: idString.optional(),
  after: idString.optional(),
  around: idString.optional().describe('A message of the room, shown near the middle of the page (404 when it is not one)'),
  limit: limitQuery(PAGE_MAX).optional(),
});
const content = z.string().max(MAX_CONTENT);
const clientId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits or ._:-');
const sendBody = z.strictObject({
  // Refused when only spaces: the document says so with a pattern (at least one non-space character).
  content: content.refine((s) => s.trim() !== '', 'must not be empty').meta({ minLength: 1, pattern: '\\S' }),
  clientId,
  replyToId: idNumber.optional(),
});
/** The text fields of a multipart send (the files come in `files`; the text may then be empty). */
const sendFields = z.strictObject({ content: content.default(''), clientId, replyToId: idString.optional() });
const sendMultipart = z.object({
  content: z.string().optional(), clientId: z.string(), replyToId: z.string().optional(),
  files: z.array(z.string().meta({ format: 'binary' })).min(1).max(MAX_FILES),
});
const editBody = z.strictObject({ content: sendBody.shape.content });

/** /rooms/:id/messages: a room's pages, and sending (JSON, or multipart with files; idempotent by clientId). */
export function roomMessagesRoutes({ db, config, limits, metrics }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc('A page of messages, oldest first', {
      schema: z.object({
        messages: z.array(message),
        hasMore: z.boolean().describe('Older messages exist (with `after`: newer ones)'),
        hasNewer: z.boolean().optional().describe('With `around`: newer messages exist'),
      }),
    }, 400, 404),
      valid('param', idParam), valid('query', messagesQuery), async (c) => {
        return c.json(await listMessages(db, c.var.me, c.req.valid('param').id, c.req.valid('query')));
      })
    .post('/', doc('Send a message, with files when multipart (201; 200 when the clientId was already sent)',
      {
        status: 201, description: 'Sent', schema: message, also: { 200: 'Already sent with this clientId: the first message' },
        body: { 'application/json': sendBody, 'multipart/form-data': sendMultipart },
      }, 400, 404, 409, 413, 415, 429),
    valid('param', idParam), async (c) => {
      const me = c.var.me;
      const { id } = c.req.valid('param');
      const type = c.req.header('Content-Type');
      const multipart = isMultipart(type);
      if (!multipart && !isJson(type)) {
        throw unsupportedType('Send the message as application/json, or as multipart/form-data with files.', { reason: 'media-type' });
      }
      // Before any query: a flood is turned away without costing the database anything.
      const release = await limits.send(me.id, multipart);
      try {
        const { message: sent, created } = multipart
          ? await sendWithFiles(db, me, id, config.UPLOAD_DIR, {
            body: requestBody(c),
            contentType: type!,
            limits: { maxFileBytes: config.MAX_UPLOAD_BYTES, idleMs: config.CHAT_UPLOAD_IDLE_SECONDS * 1000 },
          }, (fields) => parse('form', sendFields, fields))
          : await sendMessage(db, me, id, await parse('json', sendBody,
            await c.req.json().catch(() => { throw badRequest('The body is not valid JSON.', { reason: 'invalid-json' }); })));
        if (multipart && created) {
          metrics.uploadedFiles.inc(sent.attachments.length);
          metrics.uploadedBytes.inc(sent.attachments.reduce((n, a) => n + a.size, 0));
        }
        return c.json(sent, created ? 201 : 200);
      } finally {
        release();
      }
    });
}

/** /messages/:id: editing one's message, deleting one (soft). */
export function messagesRoutes({ db, config }: AppDeps) {
  return new Hono<AuthEnv>()
    .patch('/:id', doc('Edit my message', { schema: message }, 404, 409, 413),
      valid('param', idParam), valid('json', editBody), async (c) => {
        return c.json(await editMessage(db, c.var.me, c.req.valid('param').id, c.req.valid('json').content));
      })
    .delete('/:id', doc('Delete a message (soft; its files are removed; a system message cannot be)', { schema: message }, 404, 409),
      valid('param', idParam), async (c) => {
        return c.json(await deleteMessage(db, c.var.me, c.req.valid('param').id, config.UPLOAD_DIR));
      });
}
