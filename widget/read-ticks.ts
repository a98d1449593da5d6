import type { Member } from './types';

/** What a message of mine shows of its readers: how many read it, of how many, and whether that count is only a floor. */
export interface ReadTicks {
  readBy: number;
  readers: number;
  atLeast: boolean;
}

/**
 * The read ticks of my messages in a room. When every member is loaded their
 * read markers give exact counts. In a bigger room (only its first members
 * loaded, `memberCount` more) a message up to `readThrough` (the last one
 * every member has read, from GET /rooms/:id) is read by all; a later one
 * counts the loaded members who read it (their markers follow the feed's
 * `read` events), a floor rather than the count.
 */
export function readTicks(members: Member[], meId: number | undefined, memberCount: number | undefined, readThrough: number | null | undefined) {
  const others = members.filter((m) => m.userId !== meId);
  const complete = members.length >= (memberCount ?? 0);
  const readers = complete ? others.length : Math.max((memberCount ?? 0) - 1, others.length);
  return (messageId: number): ReadTicks => {
    if (!complete && readThrough != null && messageId <= readThrough) return { readBy: readers, readers, atLeast: false };
    const readBy = others.filter((o) => (o.lastReadMessageId ?? 0) >= messageId).length;
    return { readBy, readers, atLeast: !complete && readBy > 0 };
  };
}
