import type { MemberRow, RoomRow } from '../../drizzle/mysql';
import type { MemberView } from '../schemas';

/** Database times hold whole seconds: the API answers what a later read will give. */
export const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export const memberView = (m: MemberRow, name: string): MemberView => ({
  userId: m.userId,
  name,
  role: m.role,
  joinedAt: m.joinedAt.toISOString(),
  lastReadAt: iso(m.lastReadAt),
  lastReadMessageId: m.lastReadMessageId ?? null,
  muted: m.muted,
});

/** The other person of a direct room, from its "lowId:highId" key. */
export function directPeer(room: Pick<RoomRow, 'directKey'>, me: number): number | null {
  if (!room.directKey) return null;
  const [a, b] = room.directKey.split(':').map(Number);
  return a === me ? b : a;
}

export const directKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
