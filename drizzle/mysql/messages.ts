import { sql } from 'drizzle-orm';
import {
  boolean, datetime, foreignKey, index, mysqlEnum, mysqlTable, text, uniqueIndex, varchar,
} from 'drizzle-orm/mysql-core';
import { messageTypes } from '../enums';
import { id } from './columns';
import { users } from './users';
import { rooms } from './rooms';


/** A message of a room; deleting one is soft (content emptied, deleted_at set). */
export const messages = mysqlTable('chat_messages', {
  id: id('id').autoincrement().primaryKey(),
  roomId: id('room_id').notNull(),
  senderId: id('sender_id').notNull(),
  content: text('content').notNull(),
  type: mysqlEnum('message_type', messageTypes).notNull().default('text'),
  isEdited: boolean('is_edited').notNull().default(false),
  editedAt: datetime('edited_at'),
  isDeleted: boolean('is_deleted').notNull().default(false),
  deletedAt: datetime('deleted_at'),
  replyToId: id('reply_to_id'),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  // The sender's idempotency key: a retried send finds the first message.
  clientId: varchar('client_id', { length: 64 }),
  // A system message's what and who (JSON: {action, actorId, userId?, name?}); null for people's messages.
  systemData: text('system_data'),
}, (t) => [
  index('idx_chatmsg_room').on(t.roomId),
  index('idx_chatmsg_sender').on(t.senderId),
  index('idx_chatmsg_created').on(t.createdAt),
  index('idx_chatmsg_reply').on(t.replyToId),
  uniqueIndex('uq_chatmsg_client').on(t.senderId, t.clientId),
  foreignKey({ name: 'fk_chatmessages_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmessages_sender', columns: [t.senderId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('restrict'),
  foreignKey({ name: 'fk_chatmessages_reply', columns: [t.replyToId], foreignColumns: [t.id] })
    .onUpdate('cascade').onDelete('set null'),
]);

/** A file attached to a message, stored under UPLOAD_DIR as {uuid}.{ext}. */
export const attachments = mysqlTable('chat_attachments', {
  id: id('id').autoincrement().primaryKey(),
  messageId: id('message_id').notNull(),
  fileName: varchar('file_name', { length: 255 }).notNull(),
  filePath: varchar('file_path', { length: 500 }).notNull(),
  fileSize: id('file_size').notNull(),
  fileType: varchar('file_type', { length: 100 }).notNull(),
  fileExtension: varchar('file_extension', { length: 10 }).notNull(),
  thumbnailPath: varchar('thumbnail_path', { length: 500 }),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
}, (t) => [
  index('idx_chatattach_message').on(t.messageId),
  index('idx_chatattach_type').on(t.fileType),
  foreignKey({ name: 'fk_chatattachments_message', columns: [t.messageId], foreignColumns: [messages.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

/** Read receipts: one row where a user's read marker stopped. */
export const messageReads = mysqlTable('chat_message_reads', {
  id: id('id').autoincrement().primaryKey(),
  messageId: id('message_id').notNull(),
  userId: id('user_id').notNull(),
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



export type MessageRow = typeof messages.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
