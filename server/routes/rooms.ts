import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { lastEventId } from '../events/outbox';
import { POSITION_HEADER } from '../events/stream';
import { markRead } from '../services/reads';
import {
  createRoom, deleteRoom, getRoom, joinChannel, listRooms, openContextRoom, openDirect, renameRoom, setMuted,
} from '../services/rooms';
import { signalTyping } from '../services/typing';
import { member, readMarker, room, roomContext } from '../services/views';
import { doc, idNumber, idParam, valid } from '../validate';
import { exportRoutes } from './export';
import { membersRoutes } from './members';
import { roomMessagesRoutes } from './messages';

const roomsQuery = z.object({
  filter: z.enum(['all', 'unread', 'group', 'direct']).default('all'),
  q: z.string().max(200).optional(),
});
// Refused when only spaces: the document says so with a pattern (at least one non-space character).
const name = z.string().trim().min(1).max(200).meta({ pattern: '\\S' });
const createRoomBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('direct'), userId: idNumber }),
  z.strictObject({
    type: z.literal('group'),
    name,
    memberIds: z.array(idNumber).max(500).default([]),
    context: roomContext.optional().describe('Ties the group to a host record: the existing room of that record is answered (200) when the caller is a member of it, 404 when not.'),
  }),
  z.strictObject({ type: z.literal('channel'), name, memberIds: z.array(idNumber).max(500).default([]) }),
]);
const renameBody = z.strictObject({ name });
const muteBody = z.strictObject({ muted: z.boolean() });
const readBody = z.strictObject({ messageId: idNumber });

/**
 * /rooms: the caller's conversations and what a member does to one; its
 * members (/rooms/:id/members), messages (/rooms/:id/messages) and export
 * (/rooms/:id/export) are mounted here.
 */
export function roomsRoutes(deps: AppDeps) {
  const { db, config, events, limits } = deps;
  return new Hono<AuthEnv>()
    .get('/', doc('My rooms, most recent activity first. The `Chat-Last-Event-Id` header is the last event the list reflects: the `Last-Event-ID` to open the feed with', {
      schema: z.array(room),
      headers: { [POSITION_HEADER]: { description: 'The last event the list reflects: the `Last-Event-ID` to open the feed with', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } } },
    }),
      valid('query', roomsQuery), async (c) => {
        // Read before the list: every event up to it is committed, so the list shows it.
        const at = await lastEventId(db);
        const rooms = await listRooms(db, c.var.me, c.req.valid('query'));
        return c.json(rooms, 200, { [POSITION_HEADER]: String(at) });
      })
    .post('/', doc('Open a direct conversation (200 existing, 201 new), create a group or channel, or open the group of a host record (`context`: 200 existing, 201 new, 404 when it exists and the caller is not a member, or the caller may not create it)', {
      status: 201, description: 'Created', schema: room,
      also: { 200: 'The existing direct conversation of the pair, or the existing room of the host record' },
    }, 404, 413),
      valid('json', createRoomBody), async (c) => {
        const me = c.var.me;
        const body = c.req.valid('json');
        if (body.type === 'direct') {
          const { room: view, created } = await openDirect(db, me, body.userId);
          return c.json(view, created ? 201 : 200);
        }
        if (body.type === 'group' && body.context) {
          const { room: view, created } = await openContextRoom(db, me, { ...body, context: body.context });
          return c.json(view, created ? 201 : 200);
        }
        return c.json(await createRoom(db, me, body), 201);
      })
    .get('/:id', doc('A room with its member count and its first 100 members by user id (GET /rooms/:id/members pages them all)', { schema: room }, 404), valid('param', idParam), async (c) => {
      return c.json(await getRoom(db, c.var.me, c.req.valid('param').id));
    })
    .patch('/:id', doc('Rename a room', { schema: room }, 404, 409, 413),
      valid('param', idParam), valid('json', renameBody), async (c) => {
        return c.json(await renameRoom(db, c.var.me, c.req.valid('param').id, c.req.valid('json').name));
      })
    .delete('/:id', doc('Delete a room (its admins)', { status: 204, description: 'Deleted' }, 404),
      valid('param', idParam), async (c) => {
        await deleteRoom(db, c.var.me, c.req.valid('param').id, config.UPLOAD_DIR);
        return c.body(null, 204);
      })
    .post('/:id/join', doc('Join a public channel', { schema: room }, 404), valid('param', idParam), async (c) => {
      return c.json(await joinChannel(db, c.var.me, c.req.valid('param').id));
    })
    .patch('/:id/me', doc('Mute or unmute a room', { schema: member }, 404, 413),
      valid('param', idParam), valid('json', muteBody), async (c) => {
        return c.json(await setMuted(db, c.var.me, c.req.valid('param').id, c.req.valid('json').muted));
      })
    .post('/:id/read', doc('Move my read marker forward', { schema: readMarker }, 404, 413),
      valid('param', idParam), valid('json', readBody), async (c) => {
        return c.json(await markRead(db, c.var.me, c.req.valid('param').id, c.req.valid('json').messageId));
      })
    .post('/:id/typing', doc('Tell the room I am typing (not stored; at most once a second per room)', { status: 204, description: 'Sent' }, 404, 429),
      valid('param', idParam), async (c) => {
        await signalTyping(db, events, limits, c.var.me, c.req.valid('param').id);
        return c.body(null, 204);
      })
    .route('/:id/members', membersRoutes(deps))
    .route('/:id/messages', roomMessagesRoutes(deps))
    .route('/:id/export', exportRoutes(deps));
}
