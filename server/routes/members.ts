import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { addMember, changeRole, removeMember } from '../services/members';
import { member } from '../services/views';
import { doc, idNumber, idParam, idString, valid } from '../validate';

const memberParam = z.object({ id: idString, userId: idString });
const addMemberBody = z.strictObject({ userId: idNumber, role: member.shape.role.optional() });
const roleBody = z.strictObject({ role: member.shape.role });

/** /rooms/:id/members: added and removed by a room's admins and moderators, roles by its admins. */
export function membersRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .post('/', doc('Add a member', { status: 201, description: 'Added', schema: member }, 404, 409, 413),
      valid('param', idParam), valid('json', addMemberBody), async (c) => {
        const { userId, role } = c.req.valid('json');
        return c.json(await addMember(db, c.var.me, c.req.valid('param').id, userId, role), 201);
      })
    .patch('/:userId', doc("Change a member's role", { schema: member }, 404, 409, 413),
      valid('param', memberParam), valid('json', roleBody), async (c) => {
        const { id, userId } = c.req.valid('param');
        return c.json(await changeRole(db, c.var.me, id, userId, c.req.valid('json').role));
      })
    .delete('/:userId', doc('Remove a member, or leave when it is me (a direct conversation is hidden instead)', { status: 204, description: 'Removed' }, 404, 409),
      valid('param', memberParam), async (c) => {
        const { id, userId } = c.req.valid('param');
        await removeMember(db, c.var.me, id, userId);
        return c.body(null, 204);
      });
}
