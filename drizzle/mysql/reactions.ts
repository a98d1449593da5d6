import { sql } from 'drizzle-orm';
import { customType, datetime, foreignKey, index, mysqlTable, primaryKey, uniqueIndex } from 'drizzle-orm/mysql-core';
import { id } from './columns';
import { messages } from './messages';
import { users } from './users';

/**
 * An emoji, compared byte for byte: utf8mb4_unicode_ci gives every character
 * outside the BMP the same weight (👍 = 😂), so a unique key over it would
 * take two emoji for one. 32 characters hold the longest emoji sequence (10).
 */
const emoji = customType<{ data: string }>({ dataType: () => 'varchar(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' });

/** A reaction: one per user, emoji and message. Deleting the message deletes them. */
export const reactions = mysqlTable('chat_reactions', {
  id: id('id').autoincrement().primaryKey(),
  messageId: id('message_id').notNull(),
  userId: id('user_id').notNull(),
  emoji: emoji('emoji').notNull(),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
}, (t) => [
  uniqueIndex('uq_chatreaction').on(t.messageId, t.userId, t.emoji),
  index('idx_chatreaction_user').on(t.userId),
  foreignKey({ name: 'fk_chatreactions_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatreactions_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

/**
 * Who a message mentions: a row per member named by `<@ID>`, or per member of
 * the room for `<@all>`, so that a room's mention count is an index range,
 * not a scan of texts. Rewritten when the message is edited, removed with it.
 */
export const mentions = mysqlTable('chat_mentions', {
  messageId: id('message_id').notNull(),
  userId: id('user_id').notNull(),
  // The message's room, copied so that "my mentions in these rooms after my read marker" reads one index.
  roomId: id('room_id').notNull(),
}, (t) => [
  primaryKey({ name: 'pk_chatmention', columns: [t.messageId, t.userId] }),
  index('idx_chatmention_user').on(t.userId, t.roomId, t.messageId),
  foreignKey({ name: 'fk_chatmentions_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmentions_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export type ReactionRow = typeof reactions.$inferSelect;
export type MentionRow = typeof mentions.$inferSelect;
