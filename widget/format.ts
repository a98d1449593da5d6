import type { Member, Room } from './types';

/** A room's display name: its own, or for a direct room the other person's. */
export function roomName(room: Room, meId: number | undefined, members: Member[] = room.members ?? []): string {
  if (room.name) return room.name;
  const others = members.filter((m) => m.userId !== meId).map((m) => m.name);
  return others.join(', ') || `#${room.id}`;
}
