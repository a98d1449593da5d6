import type { Db } from '../storage';
import type { HostUser } from '../storage/users';
import { requirePerm, type Me } from './access';

/** A display name for a user id that may have left the users table. */
export const nameOf = (users: Map<number, HostUser>, id: number) => users.get(id)?.name ?? `#${id}`;

/** Active users whose name or email contains q (case-insensitive), for starting conversations. */
export async function searchUsers(db: Db, me: Me, q: string, limit: number): Promise<HostUser[]> {
  requirePerm(me, 'chat.read');
  return db.users.search(q, limit);
}
