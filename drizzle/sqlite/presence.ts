import { foreignKey, integer, sqliteTable } from 'drizzle-orm/sqlite-core';
import { users } from './users';

/** SQLite twin of drizzle/mysql/presence.ts (last_seen_at in epoch milliseconds). */
export const presence = sqliteTable('chat_presence', {
  userId: integer('user_id').primaryKey(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [
  foreignKey({ name: 'fk_chatpresence_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);
