import { parseEnv } from './env';
import { migrateDb, openDb } from './storage';

/** `npm run db:migrate`: applies the chat migrations to DATABASE_URL, beside the host's users table. */
async function main() {
  // Only the database settings matter here: no JWT key is needed to migrate.
  const config = parseEnv({ ...process.env, CHAT_DEMO: '1' });
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  await db.close();
  await migrateDb(config.DATABASE_URL);
  console.log(`ipp-chat: migrations applied to ${config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
}

main().catch((err: Error) => {
  console.error(`ipp-chat: migration failed: ${err.message.split('\n')[0]}`);
  process.exit(1);
});
