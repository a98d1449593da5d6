import { sql } from 'drizzle-orm';
import { foreignKey, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { datetime } from './columns';
import { messages } from './messages';
import { users } from './users';

/** SQLite twin of drizzle/mysql/reactions.ts (SQLite compares text byte for byte already). */
export const reactions = sqliteTable('chat_reactions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull(),
  userId: integer('user_id').notNull(),
  emoji: text('emoji', { length: 32 }).notNull(),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
}, (t) => [
  uniqueIndex('uq_chatreaction').on(t.messageId, t.userId, t.emoji),
  index('idx_chatreaction_user').on(t.userId),
  foreignKey({ name: 'fk_chatreactions_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatreactions_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export const mentions = sqliteTable('chat_mentions', {
  messageId: integer('message_id').notNull(),
  userId: integer('user_id').notNull(),
  roomId: integer('room_id').notNull(),
}, (t) => [
  primaryKey({ name: 'pk_chatmention', columns: [t.messageId, t.userId] }),
  index('idx_chatmention_user').on(t.userId, t.roomId, t.messageId),
  foreignKey({ name: 'fk_chatmentions_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmentions_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);
