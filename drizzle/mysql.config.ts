import { defineConfig } from 'drizzle-kit';

// The host's `users` table (mysql/users.ts) is referenced but never migrated.
export default defineConfig({
  dialect: 'mysql',
  schema: ['./drizzle/mysql/rooms.ts', './drizzle/mysql/messages.ts', './drizzle/mysql/events.ts', './drizzle/mysql/contexts.ts', './drizzle/mysql/presence.ts', './drizzle/mysql/reactions.ts', './drizzle/mysql/webhooks.ts', './drizzle/mysql/notifications.ts'],
  out: './drizzle/migrations/mysql',
  tablesFilter: ['chat_*'],
});
