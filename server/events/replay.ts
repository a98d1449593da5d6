import type { Db } from '../storage';
import { eventBounds, eventsForUser, frame, inAudience } from './outbox';
import type { Entry, Subscriber } from './subscriber';

const validId = /^(0|[1-9][0-9]{0,15})$/;
/** Events read from the outbox at a time. */
const BATCH = 500;

/** Writes what the user missed after `from`, filtered by their membership now; returns the last id examined. */
async function replay(db: Db, sub: Subscriber, from: number): Promise<number> {
  let after = from;
  for (;;) {
    const rows = await eventsForUser(db, sub.userId, after, BATCH);
    if (!sub.open) return after;
    for (const r of rows) {
      if ((Number(r.mine) === 1 || inAudience(r.audience, sub.userId)) && !sub.write(frame(r.id, r.type, r.data))) {
        await sub.drained();
      }
    }
    if (rows.length) after = rows[rows.length - 1].id;
    if (rows.length < BATCH) return after;
  }
}

/**
 * Brings a stream that sent Last-Event-ID up to date: what it missed, or one
 * `reset` when it cannot resume from there (too old, garbage, in the future),
 * then the live frames held meanwhile that the replay did not already write.
 */
export async function resume(db: Db, entry: Entry, lastId: string): Promise<void> {
  const from = validId.test(lastId) ? Number(lastId) : null;
  const { newest, pruned } = await eventBounds(db);
  let sent: number;
  if (from === null || from > newest || from < pruned) {
    // Cannot resume from there: the client refetches, and resumes from now.
    entry.sub.write(frame(newest, 'reset', '{}'));
    sent = newest;
  } else {
    sent = await replay(db, entry.sub, from);
  }
  const buffered = entry.buffer!;
  entry.buffer = null;
  entry.replayed = sent;
  for (const [id, chunk] of buffered) if (id === null || id > sent) entry.sub.write(chunk);
}
