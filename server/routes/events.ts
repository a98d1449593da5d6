import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { streamToNode, streamToWeb } from '../events/stream';
import { requirePerm } from '../services/access';
import { headers as h, problemResponse } from '../validate';
import { nodeEnv, requestHeader } from '../node-env';

const feedDoc = describeRoute({
  summary: 'The real-time feed (Server-Sent Events)',
  description: [
    'Each event is `id:`, `event:` and `data:` lines, the data one line of JSON. Only events of rooms the caller is a member of',
    'at delivery arrive, and the `member.removed` or `room.deleted` that concerns them.',
    '',
    '- `message.created`, `message.updated`, `message.deleted`: a Message (a deleted one has empty content and `deletedAt`).',
    '- `room.created`, `room.updated`: `{id, type, name, createdBy, createdAt, updatedAt}` (a role change is a `room.updated`);',
    '  `room.deleted`: `{id}`.',
    '- `member.added`: a Member with its `roomId`; `member.removed`: `{roomId, userId}`.',
    '- `read`: `{roomId, userId, messageId, readAt}`; `typing`: `{roomId, userId, name}`, with no id, never replayed.',
    '- `reaction.added`, `reaction.removed`: `{roomId, messageId, emoji, userId}` (dropped from replays once the message is deleted).',
    '- `reset` (`{}`): the stream cannot resume from the `Last-Event-ID` sent (older than the 24 h kept, or unknown): refetch.',
    '',
    'Send `Last-Event-ID` to resume: every non-typing event missed arrives in order, once. A `: keep-alive` comment comes',
    'every 15 s; the stream ends when the token expires (reconnect with a new one and `Last-Event-ID`).',
    'A stream opened without `Last-Event-ID` answers with a `Chat-Last-Event-Id` header: the id of the last event before',
    'its first one, the `Last-Event-ID` to resume with even when no event has arrived.',
  ].join('\n'),
  security: [{ bearer: [] }],
  parameters: [{ in: 'header', name: 'Last-Event-ID', required: false, schema: { type: 'string', pattern: '^[0-9]+$' } }],
  responses: {
    200: {
      description: 'An endless event stream',
      headers: {
        ...h.requestId,
        ...h.cacheControl('no-cache'),
        'Chat-Last-Event-Id': { description: 'Without Last-Event-ID: where the stream starts', required: false, schema: { type: 'string', pattern: '^[0-9]+$' } },
        'X-Accel-Buffering': { description: '`no`: proxies pass events on at once', required: true, schema: { type: 'string', enum: ['no'] } },
      },
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    401: problemResponse(401),
    403: problemResponse(403),
    429: problemResponse(429, 'Problem: the user has too many streams open (`CHAT_MAX_STREAMS`); wait `Retry-After` seconds'),
    500: problemResponse(500),
    503: problemResponse(503),
  },
});

/** GET /events: the SSE feed of the caller's rooms. */
export function eventsRoutes({ events, limits, logger }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', feedDoc, async (c) => {
      const me = c.var.me;
      requirePerm(me, 'chat.read');
      // A cross-origin feed needs the headers the CORS middleware put on c.res, on the raw response too. A
      // same-origin one (the usual case) only needs its request id: reading c.res would build a Response to copy.
      const prepared = { ...(requestHeader(c, 'Origin') ? Object.fromEntries(c.res.headers) : {}), 'x-request-id': c.get('requestId') };
      const headers: Record<string, string> = {
        ...prepared,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
      };
      if (headers['access-control-allow-origin']) headers.Vary = 'Origin';
      const release = limits.stream(me.id);
      const opts = {
        hub: events, userId: me.id, exp: me.exp, lastEventId: requestHeader(c, 'Last-Event-ID') || undefined, headers, onClose: release,
        // The base logger and the id, not the request's child logger: a stream lasts, and so would all it holds.
        logger, requestId: c.get('requestId'),
      };
      const { outgoing } = nodeEnv(c);
      if (!outgoing) return streamToWeb(opts);
      streamToNode(outgoing, opts);
      return RESPONSE_ALREADY_SENT;
    });
}
