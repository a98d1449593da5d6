import { Hono } from 'hono';
import { z } from 'zod';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { addMember, changeRole, listRoomMembers, removeMember } from '../services/members';
import { member, memberPage } from '../services/views';
import { doc, idNumber, idParam, idString, limitQuery, valid } from '../validate';

const membersQuery = z.object({
  after: z.string().regex(/^[0-9]{1,16}$/, 'must be a user id').transform(Number).optional()
    .describe('The last userId of the previous page: the page starts after it'),
  limit: limitQuery(500).default(100).describe('At most 500; 100 by default'),
  q: z.string().trim().min(1).max(200).optional().describe('Only the members whose name or email contains it (case-insensitive)'),
});
const memberParam = z.object({ id: idString, userId: idString });
const addMemberBody = z.strictObject({ userId: idNumber, role: member.shape.role.optional() });
const roleBody = z.strictObject({ role: member.shape.role });

/**
 * /rooms/:id/members: paged for its members, added and removed by a room's
 * admins and moderators, roles by its admins.
 */
export function membersRoutes({ db }: AppDeps) {
  return new Hono<AuthEnv>()
    .get('/', doc("A page of the room's members, by user id", { schema: memberPage }, 404),
      valid('param', idParam), valid('query', membersQuery), async (c) => {
        return c.json(await listRoomMembers(db, c.var.me, c.req.valid('param').id, c.req.valid('query')));
      })
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
