import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { memberRoles, roomTypes } from '../enums';
import { datetime } from './columns';
import { users } from './users';

/** SQLite twin of drizzle/mysql/rooms.ts: same columns, indexes and keys. */
export const rooms = sqliteTable('chat_rooms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name', { length: 200 }),
  type: text('room_type', { enum: roomTypes }).notNull().default('direct'),
  createdById: integer('created_by_id').notNull(),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  // SQLite has no ON UPDATE: the application sets it.
  updatedAt: datetime('updated_at'),
  directKey: text('direct_key', { length: 45 }),
  lastMessageId: integer('last_message_id'),
}, (t) => [
  index('idx_chatroom_creator').on(t.createdById),
  index('idx_chatroom_type').on(t.type),
  uniqueIndex('uq_chatroom_direct').on(t.directKey),
  // SQLite has no ENUM: a CHECK refuses what MySQL's ENUM refuses.
  check('ck_chatroom_type', sql`${t.type} IN ('direct', 'group', 'channel')`),
  foreignKey({ name: 'fk_chatrooms_creator', columns: [t.createdById], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('restrict'),
]);

export const members = sqliteTable('chat_room_members', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  roomId: integer('room_id').notNull(),
  userId: integer('user_id').notNull(),
  role: text('role', { enum: memberRoles }).notNull().default('member'),
  joinedAt: datetime('joined_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  lastReadAt: datetime('last_read_at'),
  muted: integer('is_muted', { mode: 'boolean' }).notNull().default(false),
  lastReadMessageId: integer('last_read_message_id'),
  joinedEventId: integer('joined_event_id'),
  hiddenThrough: integer('hidden_through'),
}, (t) => [
  uniqueIndex('uq_room_member').on(t.roomId, t.userId),
  index('idx_chatmember_room').on(t.roomId),
  // Whether everyone has read up to a message (a big room's read ticks) without reading every member.
  index('idx_chatmember_room_read').on(t.roomId, t.lastReadMessageId),
  index('idx_chatmember_user').on(t.userId),
  index('idx_chatmember_lastread').on(t.lastReadAt),
  check('ck_chatmember_role', sql`${t.role} IN ('member', 'admin', 'moderator')`),
  foreignKey({ name: 'fk_chatmembers_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmembers_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);


