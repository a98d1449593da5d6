import { boolean, datetime, foreignKey, index, int, mysqlEnum, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { emailModes } from '../enums';
import { id } from './columns';
import { users } from './users';

/** A user's notification preferences; no row means the defaults (e-mail for mentions after 15 minutes, sound on). */
export const preferences = mysqlTable('chat_preferences', {
  userId: id('user_id').primaryKey(),
  email: mysqlEnum('email', emailModes).notNull().default('mentions'),
  emailDelayMinutes: int('email_delay_minutes').notNull().default(15),
  sound: boolean('sound').notNull().default(true),
  updatedAt: datetime('updated_at', { fsp: 3 }).notNull(),
}, (t) => [
  // The e-mail pass reads the few who chose "all" by this.
  index('idx_chatprefs_email').on(t.email),
  foreignKey({ name: 'fk_chatprefs_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

/**
 * Where the e-mail digest stands for a user: every message up to
 * `notified_through` was e-mailed or is past, when the last e-mail left, and
 * when a failed one is tried again. One row per user ever e-mailed, not per message.
 */
export const emailState = mysqlTable('chat_email_state', {
  userId: id('user_id').primaryKey(),
  notifiedThrough: id('notified_through').notNull().default(0),
  lastSentAt: datetime('last_sent_at', { fsp: 3 }),
  failures: int('failures').notNull().default(0),
  retryAt: datetime('retry_at', { fsp: 3 }),
}, (t) => [
  foreignKey({ name: 'fk_chatemailstate_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

/** A job that one instance at a time runs (the e-mail pass): who holds it, and until when unless renewed. */
export const leases = mysqlTable('chat_leases', {
  name: varchar('name', { length: 32 }).primaryKey(),
  owner: varchar('owner', { length: 64 }).notNull(),
  until: datetime('lease_until', { fsp: 3 }).notNull(),
});

export type PreferencesRow = typeof preferences.$inferSelect;
export type EmailStateRow = typeof emailState.$inferSelect;
