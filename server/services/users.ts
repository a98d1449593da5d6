import { inArray } from 'drizzle-orm';
import type { Db } from '../storage';
import type { HostUser } from '../storage/users';
import { requirePerm, type Me } from './access';
import { iso, type PresenceView, type UserView } from './views';

/** A display name for a user id that may have left the users table. */
export const nameOf = (users: Map<number, HostUser>, id: number) => users.get(id)?.name ?? `#${id}`;

/**
 * Whether these users have the chat open somewhere, and when their last feed
 * closed; `lastSeen` when the caller already read it (with the rows it came with).
 */
export async function presenceOf(db: Db, ids: number[], lastSeen?: Map<number, Date | null>): Promise<Map<number, PresenceView>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const { presence } = db.t;
  const [online, at] = await Promise.all([
    db.online?.(unique) ?? new Set<number>(),
    lastSeen ?? db.orm.select().from(presence).where(inArray(presence.userId, unique)).then((rows) => new Map(rows.map((r) => [r.userId, r.lastSeenAt]))),
  ]);
  return new Map(unique.map((id) => [id, { online: online.has(id), lastSeenAt: iso(at.get(id)) }]));
}

/** Active users whose name or email contains q (case-insensitive), for starting conversations, with their presence. */
export async function searchUsers(db: Db, me: Me, q: string, limit: number): Promise<UserView[]> {
  requirePerm(me, 'chat.read');
  const users = await db.users.search(q, limit);
  const online = (await db.online?.(users.map((u) => u.id))) ?? new Set<number>();
  return users.map((u) => ({ ...u, online: online.has(u.id) }));
}
