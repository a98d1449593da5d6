import { sql } from 'drizzle-orm';
import {
  boolean, datetime, foreignKey, index, mysqlEnum, mysqlTable, uniqueIndex, varchar,
} from 'drizzle-orm/mysql-core';
import { memberRoles, roomTypes } from '../enums';
import { id } from './columns';
import { users } from './users';


/** A conversation: direct (two people), group (invited members) or channel (public). */
export const rooms = mysqlTable('chat_rooms', {
  id: id('id').autoincrement().primaryKey(),
  name: varchar('name', { length: 200 }),
  type: mysqlEnum('room_type', roomTypes).notNull().default('direct'),
  createdById: id('created_by_id').notNull(),
  createdAt: datetime('created_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  // ON UPDATE CURRENT_TIMESTAMP is added by the custom migration (drizzle-kit has no datetime form of it).
  updatedAt: datetime('updated_at'),
  // "lowId:highId" for direct rooms, so a pair has one direct room at most.
  directKey: varchar('direct_key', { length: 45 }),
  // Denormalised so the room list is sorted and previewed without scanning messages.
  lastMessageId: id('last_message_id'),
}, (t) => [
  index('idx_chatroom_creator').on(t.createdById),
  index('idx_chatroom_type').on(t.type),
  uniqueIndex('uq_chatroom_direct').on(t.directKey),
  foreignKey({ name: 'fk_chatrooms_creator', columns: [t.createdById], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('restrict'),
]);

/** Who is in a room, with their role, mute flag and read watermark. */
export const members = mysqlTable('chat_room_members', {
  id: id('id').autoincrement().primaryKey(),
  roomId: id('room_id').notNull(),
  userId: id('user_id').notNull(),
  role: mysqlEnum('role', memberRoles).notNull().default('member'),
  joinedAt: datetime('joined_at').notNull().default(sql`CURRENT_TIMESTAMP`),
  lastReadAt: datetime('last_read_at'),
  muted: boolean('is_muted').notNull().default(false),
  // Read watermark: everything up to this message id is read, in one write.
  lastReadMessageId: id('last_read_message_id'),
  // The first event of the member's time in the room (its room.created or member.added): a replay starts there.
  joinedEventId: id('joined_event_id'),
  // A direct room its member hid, until a message after this one arrives (0: hidden before any message).
  hiddenThrough: id('hidden_through'),
}, (t) => [
  uniqueIndex('uq_room_member').on(t.roomId, t.userId),
  index('idx_chatmember_room').on(t.roomId),
  // Whether everyone has read up to a message (a big room's read ticks) without reading every member.
  index('idx_chatmember_room_read').on(t.roomId, t.lastReadMessageId),
  index('idx_chatmember_user').on(t.userId),
  index('idx_chatmember_lastread').on(t.lastReadAt),
  foreignKey({ name: 'fk_chatmembers_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
  foreignKey({ name: 'fk_chatmembers_user', columns: [t.userId], foreignColumns: [users.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);



export type RoomRow = typeof rooms.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
