import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** SQLite twin of drizzle/mysql/events.ts (created_at in epoch milliseconds: SQLite has no DATETIME(3)). */
export const events = sqliteTable('chat_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  roomId: integer('room_id').notNull(),
  type: text('type', { length: 32 }).notNull(),
  data: text('data').notNull(),
  audience: text('audience'),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  messageId: integer('message_id'),
}, (t) => [
  index('idx_chatevent_room').on(t.roomId, t.id),
  index('idx_chatevent_created').on(t.createdAt),
  index('idx_chatevent_message').on(t.messageId),
]);

/** Twin of the MySQL row; SQLite needs no lock (its writes are serialised) but keeps the prune mark here. */
export const eventSeq = sqliteTable('chat_event_seq', {
  id: integer('id').primaryKey(),
  prunedThrough: integer('pruned_through').notNull().default(0),
});
