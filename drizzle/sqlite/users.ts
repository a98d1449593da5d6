import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';

/** The host's users table, referenced by the chat tables, never migrated here. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
});
