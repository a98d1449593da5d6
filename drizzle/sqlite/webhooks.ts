import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** SQLite twin of drizzle/mysql/webhooks.ts (times in epoch milliseconds). */
export const webhookCursor = sqliteTable('chat_webhook_cursor', {
  id: integer('id').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
});

/** SQLite twin of drizzle/mysql/webhooks.ts. */
export const webhookDeliveries = sqliteTable('chat_webhook_deliveries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  eventId: integer('event_id').notNull(),
  body: text('body').notNull(),
  status: text('status', { length: 16, enum: ['pending', 'delivered', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
  lease: text('lease', { length: 36 }),
  lastError: text('last_error', { length: 300 }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
}, (t) => [
  uniqueIndex('uq_chatwebhook_event').on(t.eventId),
  index('idx_chatwebhook_due').on(t.status, t.nextAttemptAt),
  index('idx_chatwebhook_created').on(t.createdAt),
]);
