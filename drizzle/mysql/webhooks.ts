import { datetime, index, int, mediumtext, mysqlTable, tinyint, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { id } from './columns';

/**
 * One row (id 1): the last chat_events id the webhook dispatcher has looked
 * at. An instance holds it locked while it turns the events after it into
 * deliveries, so two instances never queue the same event twice.
 */
export const webhookCursor = mysqlTable('chat_webhook_cursor', {
  id: tinyint('id').primaryKey(),
  lastEventId: id('last_event_id').notNull(),
});

/**
 * The outgoing webhooks to deliver: one per message.created event a bot must
 * hear of, with the JSON body as it will be posted. An instance claims a row
 * by moving `next_attempt_at` past its lease under its own `lease`, so one
 * instance only posts it at a time; a failure sets the next attempt.
 */
export const webhookDeliveries = mysqlTable('chat_webhook_deliveries', {
  id: id('id').autoincrement().primaryKey(),
  eventId: id('event_id').notNull(),
  body: mediumtext('body').notNull(),
  status: varchar('status', { length: 16, enum: ['pending', 'delivered', 'failed'] }).notNull(),
  attempts: int('attempts').notNull().default(0),
  nextAttemptAt: datetime('next_attempt_at', { fsp: 3 }).notNull(),
  lease: varchar('lease', { length: 36 }),
  lastError: varchar('last_error', { length: 300 }),
  createdAt: datetime('created_at', { fsp: 3 }).notNull(),
  deliveredAt: datetime('delivered_at', { fsp: 3 }),
}, (t) => [
  uniqueIndex('uq_chatwebhook_event').on(t.eventId),
  index('idx_chatwebhook_due').on(t.status, t.nextAttemptAt),
  index('idx_chatwebhook_created').on(t.createdAt),
]);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
