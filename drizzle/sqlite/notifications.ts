import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { emailModes } from '../enums';
import { users } from './users';

/** SQLite twin of drizzle/mysql/notifications.ts (times in epoch milliseconds). */
export const preferences = sqliteTable('chat_preferences', {
  userId: integer('user_id').primaryKey(),
  email: text('email', { enum: emailModes }).notNull().default('mentions'),
  emailDelayMinutes: integer('email_delay_minutes').notNull().default(15),
  sound: integer('sound', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [
  check('ck_chatprefs_email', sql`${t.email} IN ('off', 'mentions', 'all')`),
  // The e-mail pass reads the few who chose "all" by this.
  index('idx_chatprefs_email').on(t.email),
  foreignKey({ name: 'fk_chatprefs_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export const emailState = sqliteTable('chat_email_state', {
  userId: integer('user_id').primaryKey(),
  notifiedThrough: integer('notified_through').notNull().default(0),
  lastSentAt: integer('last_sent_at', { mode: 'timestamp_ms' }),
  failures: integer('failures').notNull().default(0),
  retryAt: integer('retry_at', { mode: 'timestamp_ms' }),
}, (t) => [
  foreignKey({ name: 'fk_chatemailstate_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export const leases = sqliteTable('chat_leases', {
  name: text('name', { length: 32 }).primaryKey(),
  owner: text('owner', { length: 64 }).notNull(),
  until: integer('lease_until', { mode: 'timestamp_ms' }).notNull(),
});
