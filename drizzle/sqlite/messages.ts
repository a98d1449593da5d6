import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { messageTypes } from '../enums';
import { datetime } from './columns';
import { users } from './users';
import { rooms } from './rooms';

/** SQLite twin of drizzle/mysql/messages.ts. */
export const messages = sqliteTable('chat_messages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  roomId: integer('room_id').notNull(),
  senderId: integer('sender_id').notNull(),
  content: text('content').notNull(),
  type: text('message_type', { enum: messageTypes }).notNull().default('text'),
  isEdited: integer('is_edited', { mode: 'boolean' }).notNull().default(false),
  editedAt: datetime('edited_at'),
  isDeleted: integer('is_deleted', { mode: 'boolean' }).notNull().default(false),
  deletedAt: datetime('deleted_at'),
  replyToId: integer('reply_to_id'),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  clientId: text('client_id', { length: 64 }),
  systemData: text('system_data'),
}, (t) => [
  index('idx_chatmsg_room').on(t.roomId),
  index('idx_chatmsg_sender').on(t.senderId),
  index('idx_chatmsg_created').on(t.createdAt),
  index('idx_chatmsg_reply').on(t.replyToId),
  uniqueIndex('uq_chatmsg_client').on(t.senderId, t.clientId),
  check('ck_chatmsg_type', sql`${t.type} IN ('text', 'file', 'system')`),
  foreignKey({ name: 'fk_chatmessages_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmessages_sender', columns: [t.senderId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('restrict'),
  foreignKey({ name: 'fk_chatmessages_reply', columns: [t.replyToId], foreignColumns: [t.id] })
    .onUpdate('cascade').onDelete('set null'),
]);

export const attachments = sqliteTable('chat_attachments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull(),
  fileName: text('file_name', { length: 255 }).notNull(),
  filePath: text('file_path', { length: 500 }).notNull(),
  fileSize: integer('file_size').notNull(),
  fileType: text('file_type', { length: 100 }).notNull(),
  fileExtension: text('file_extension', { length: 10 }).notNull(),
  thumbnailPath: text('thumbnail_path', { length: 500 }),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
}, (t) => [
  index('idx_chatattach_message').on(t.messageId),
  index('idx_chatattach_type').on(t.fileType),
  foreignKey({ name: 'fk_chatattachments_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export const messageReads = sqliteTable('chat_message_reads', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull(),
  userId: integer('user_id').notNull(),
  readAt: datetime('read_at').notNull().default(sql`CURRENT_TIMESTAMP`),
}, (t) => [
  uniqueIndex('uq_msg_read').on(t.messageId, t.userId),
  index('idx_chatread_message').on(t.messageId),
  index('idx_chatread_user').on(t.userId),
  foreignKey({ name: 'fk_chatreads_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatreads_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);


