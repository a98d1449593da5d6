import { datetime, index, mediumtext, mysqlTable, tinyint, varchar } from 'drizzle-orm/mysql-core';
import { id } from './columns';

/**
 * The outbox of the real-time feed: one row per non-typing event, written in
 * the transaction of the change it reports, so an event exists exactly when
 * its change was committed. Its id is the SSE `id:` a client resumes from.
 * No foreign key to the room: a room.deleted event outlives its room.
 */
export const events = mysqlTable('chat_events', {
  id: id('id').autoincrement().primaryKey(),
  roomId: id('room_id').notNull(),
  type: varchar('type', { length: 32 }).notNull(),
  // The event's JSON, serialised once when recorded (a 10 000-character message escapes past TEXT's 64 KiB).
  data: mediumtext('data').notNull(),
  // Comma-separated user ids who also get it though no longer members (the removed member, a deleted room's members):
  // MEDIUMTEXT, as a large channel's members overflow TEXT.
  audience: mediumtext('audience'),
  createdAt: datetime('created_at', { fsp: 3 }).notNull(),
  // The message a message.* event is about: editing or deleting it rewrites these events (nothing earlier is replayed).
  messageId: id('message_id'),
}, (t) => [
  index('idx_chatevent_room').on(t.roomId, t.id),
  index('idx_chatevent_created').on(t.createdAt),
  index('idx_chatevent_message').on(t.messageId),
]);

/**
 * One row (id 1). Writers lock it just before inserting events, so event ids
 * become visible in increasing order; `pruned_through` is the highest event id
 * deleted by retention, so a resume from before it is answered with `reset`.
 */
export const eventSeq = mysqlTable('chat_event_seq', {
  id: tinyint('id').primaryKey(),
  prunedThrough: id('pruned_through').notNull().default(0),
});

export type EventRow = typeof events.$inferSelect;
