import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./drizzle/sqlite/rooms.ts', './drizzle/sqlite/messages.ts', './drizzle/sqlite/events.ts', './drizzle/sqlite/contexts.ts', './drizzle/sqlite/presence.ts', './drizzle/sqlite/reactions.ts', './drizzle/sqlite/webhooks.ts', './drizzle/sqlite/notifications.ts'],
  out: './drizzle/migrations/sqlite',
  tablesFilter: ['chat_*'],
});
