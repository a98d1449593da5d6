import { Hono } from 'hono';
import type { AuthEnv } from '../auth';
import type { Deps } from '../deps';
import { addMemberBody, member, memberParam, roleBody, roomParam } from '../schemas';
import { addMember, changeRole, removeMember } from '../services/members';
import { doc, valid } from '../validate';

/** Members of a room: added and removed by its admins and moderators, roles by its admins. */
export function membersRoutes({ db }: Deps) {
  return new Hono<AuthEnv>()
    .post('/rooms/:id/members', doc('Add a member', { status: 201, schema: member }, 400, 404, 409),
      valid('param', roomParam), valid('json', addMemberBody), async (c) => {
        const { userId, role } = c.req.valid('json');
        return c.json(await addMember(db, c.var.me, c.req.valid('param').id, userId, role), 201);
      })
    .patch('/rooms/:id/members/:userId', doc("Change a member's role", { schema: member }, 400, 404, 409),
      valid('param', memberParam), valid('json', roleBody), async (c) => {
        const { id, userId } = c.req.valid('param');
        return c.json(await changeRole(db, c.var.me, id, userId, c.req.valid('json').role));
      })
    .delete('/rooms/:id/members/:userId', doc('Remove a member, or leave when it is me', { status: 204, description: 'Removed' }, 404, 409),
      valid('param', memberParam), async (c) => {
        const { id, userId } = c.req.valid('param');
        await removeMember(db, c.var.me, id, userId);
        return c.body(null, 204);
      });
}
