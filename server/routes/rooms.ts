import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { Deps } from '../deps';
import { lastEventId } from '../events/outbox';
import { POSITION_HEADER } from '../events/stream';
import { createRoomBody, member, muteBody, readBody, readMarker, renameBody, room, roomParam, roomsQuery } from '../schemas';
import { markRead } from '../services/messages';
import {
  createRoom, deleteRoom, getRoom, joinChannel, listChannels, listRooms, openContextRoom, openDirect, renameRoom, setMuted,
} from '../services/rooms';
import { doc, valid } from '../validate';

/** Rooms: the caller's conversations, public channels, and what a member does to a room. */
export function roomsRoutes({ db, config }: Deps) {
  return new Hono<AuthEnv>()
    .get('/rooms', doc('My rooms, most recent activity first. The `Chat-Last-Event-Id` header is the last event the list reflects: the `Last-Event-ID` to open the feed with', { schema: z.array(room) }, 400),
      valid('query', roomsQuery), async (c) => {
        // Read before the list: every event up to it is committed, so the list shows it.
        const at = await lastEventId(db);
        const rooms = await listRooms(db, c.var.me, c.req.valid('query'));
        return c.json(rooms, 200, { [POSITION_HEADER]: String(at) });
      })
    .post('/rooms', doc('Open a direct conversation (200 existing, 201 new), create a group or channel, or open the group of a host record (`context`: 200 existing, 201 new, 404 when it exists and the caller is not a member)', { status: 201, schema: room }, 400, 404),
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
    .get('/channels', doc('Public channels', { schema: z.array(room) }), async (c) => {
      return c.json(await listChannels(db, c.var.me));
    })
    .get('/rooms/:id', doc('A room with its members', { schema: room }, 404), valid('param', roomParam), async (c) => {
      return c.json(await getRoom(db, c.var.me, c.req.valid('param').id));
    })
    .patch('/rooms/:id', doc('Rename a room', { schema: room }, 400, 404, 409),
      valid('param', roomParam), valid('json', renameBody), async (c) => {
        return c.json(await renameRoom(db, c.var.me, c.req.valid('param').id, c.req.valid('json').name));
      })
    .delete('/rooms/:id', doc('Delete a room (its admins)', { status: 204, description: 'Deleted' }, 404),
      valid('param', roomParam), async (c) => {
        await deleteRoom(db, c.var.me, c.req.valid('param').id, config.UPLOAD_DIR);
        return c.body(null, 204);
      })
    .post('/rooms/:id/join', doc('Join a public channel', { schema: room }, 404), valid('param', roomParam), async (c) => {
      return c.json(await joinChannel(db, c.var.me, c.req.valid('param').id));
    })
    .patch('/rooms/:id/me', doc('Mute or unmute a room', { schema: member }, 400, 404),
      valid('param', roomParam), valid('json', muteBody), async (c) => {
        return c.json(await setMuted(db, c.var.me, c.req.valid('param').id, c.req.valid('json').muted));
      })
    .post('/rooms/:id/read', doc('Move my read marker forward', { schema: readMarker }, 400, 404),
      valid('param', roomParam), valid('json', readBody), async (c) => {
        return c.json(await markRead(db, c.var.me, c.req.valid('param').id, c.req.valid('json').messageId));
      });
}
