import type { Hub } from '../events/hub';
import type { Limits } from '../limits';
import type { Db } from '../storage';
import { requireMember, requirePerm, type Me } from './access';

/** Tells a room's other members that the caller is typing: members who may send, once a second per room. */
export async function signalTyping(db: Db, hub: Hub, limits: Limits, me: Me, roomId: number): Promise<void> {
  await requireMember(db, me, roomId);
  requirePerm(me, 'chat.create');
  await limits.typing(me.id, roomId);
  await hub.typing(roomId, me);
}
