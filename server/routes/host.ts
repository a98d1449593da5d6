import { Hono } from 'hono';
import { z } from 'zod';
import { authenticateHost, type HostEnv } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest } from '../services/errors';
import { postAsHost } from '../services/host';
import { MAX_CONTENT } from '../services/messages';
import { message, roomContext } from '../services/views';
import { doc, idNumber, parse } from '../validate';

const target = z.union([
  z.strictObject({ userId: idNumber.describe('Their direct conversation with the sender (created when absent)') }),
  z.strictObject({ roomId: idNumber.describe('A room the sender is a member of (404 otherwise)') }),
  z.strictObject({
    context: roomContext.describe('The host record whose room it is (created when absent, named after the label)'),
    memberIds: z.array(idNumber).max(500).describe('Users who must be in the record\'s room: those missing are added'),
  }),
]).describe('Where to post: exactly one of the three shapes');

const hostMessage = z.strictObject({
  senderId: idNumber.describe('The service account posting (an active user of the host\'s users table, e.g. "IPP Stocks")'),
  to: target,
  // Refused when only spaces: the document says so with a pattern (at least one non-space character).
  content: z.string().max(MAX_CONTENT).refine((s) => s.trim() !== '', 'must not be empty').meta({ minLength: 1, pattern: '\\S' }),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits or ._:-')
    .describe('The same key again answers the first message (200) and creates nothing; stored as the message\'s clientId'),
});

/** /host: the host app's own calls, with a host token (scope "host"); a user's token is refused (403). */
export function hostRoutes({ db, verify, limits }: AppDeps) {
  return new Hono<HostEnv>()
    .use(authenticateHost(verify))
    .post('/messages', doc('Post a message as a service account of the host (a host token only)', {
      status: 201, description: 'Posted', schema: message,
      also: { 200: 'Already posted with this idempotencyKey: the first message' },
      body: { 'application/json': hostMessage },
      security: [{ hostToken: [] }],
    }, 400, 404, 413, 429), async (c) => {
      const body = await parse('json', hostMessage,
        await c.req.json().catch(() => { throw badRequest('The body is not valid JSON.', { reason: 'invalid-json' }); }));
      // Before any query but the sender's: a flood is turned away cheaply.
      await limits.host(body.senderId);
      const { message: sent, created } = await postAsHost(db, body, c.var.host.exp);
      return c.json(sent, created ? 201 : 200);
    });
}
