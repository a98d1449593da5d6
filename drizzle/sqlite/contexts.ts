import { foreignKey, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { rooms } from './rooms';

/** SQLite twin of drizzle/mysql/contexts.ts. */
export const roomContexts = sqliteTable('chat_room_contexts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  roomId: integer('room_id').notNull(),
  contextType: text('context_type', { length: 50 }).notNull(),
  contextId: text('context_id', { length: 100 }).notNull(),
  label: text('label', { length: 200 }).notNull(),
  url: text('url', { length: 500 }),
}, (t) => [
  uniqueIndex('uq_chatcontext_room').on(t.roomId),
  uniqueIndex('uq_chatcontext_record').on(t.contextType, t.contextId),
  foreignKey({ name: 'fk_chatcontexts_room', columns: [t.roomId], foreignColumns: [rooms.id] })
    .onUpdate('cascade').onDelete('cascade'),
]);
