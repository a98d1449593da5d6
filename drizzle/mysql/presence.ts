import { datetime, foreignKey, mysqlTable } from 'drizzle-orm/mysql-core';
import { id } from './columns';
import { users } from './users';

/** When each user's last feed closed: their "vu à 14:32", and who has been away since a message arrived. */
export const presence = mysqlTable('chat_presence', {
  userId: id('user_id').primaryKey(),
  lastSeenAt: datetime('last_seen_at', { fsp: 3 }).notNull(),
}, (t) => [
  foreignKey({ name: 'fk_chatpresence_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export type PresenceRow = typeof presence.$inferSelect;
