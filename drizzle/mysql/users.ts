import { bigint, mysqlTable } from 'drizzle-orm/mysql-core';

/**
 * The host application's users table, declared only so that the chat tables
 * can reference it. It belongs to the host: it is not part of the migrated
 * schema (see mysql.config.ts), and the BFF only reads it.
 */
export const users = mysqlTable('users', {
  id: bigint('id', { mode: 'number', unsigned: true }).primaryKey(),
});
