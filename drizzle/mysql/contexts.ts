import { foreignKey, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { id } from './columns';
import { rooms } from './rooms';

/**
 * A group room tied to a record of the host app (an invoice, a container…):
 * at most one room per record, and one record per room. Deleting the room
 * deletes the binding.
 */
export const roomContexts = mysqlTable('chat_room_contexts', {
  id: id('id').autoincrement().primaryKey(),
  roomId: id('room_id').notNull(),
  contextType: varchar('context_type', { length: 50 }).notNull(),
  contextId: varchar('context_id', { length: 100 }).notNull(),
  label: varchar('label', { length: 200 }).notNull(),
  // A path of the host app ("/factures/2025-0042") or an http(s) URL, checked by the API.
  url: varchar('url', { length: 500 }),
}, (t) => [
  uniqueIndex('uq_chatcontext_room').on(t.roomId),
  uniqueIndex('uq_chatcontext_record').on(t.contextType, t.contextId),
  foreignKey({ name: 'fk_chatcontexts_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);

export type RoomContextRow = typeof roomContexts.$inferSelect;
