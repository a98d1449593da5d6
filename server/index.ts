import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { STAGING } from './services/uploads';
import { createDemoUsers, seedDemo } from '../demo/seed';
import { createApp } from './app';
import { createVerifier } from './auth';
import { parseEnv } from './env';
import { migrateDb, openDb } from './storage';

/** Reads the environment, opens the database and serves until SIGTERM/SIGINT. */
async function main() {
  const config = parseEnv(process.env);
  if (config.CHAT_DEMO) {
    await createDemoUsers(config.DATABASE_URL);
    await migrateDb(config.DATABASE_URL);
  }
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  await db.ping();
  // Uploads cut short by a crash left their staged files here.
  await rm(join(config.UPLOAD_DIR, STAGING), { recursive: true, force: true });
  await db.orm.select({ id: db.t.rooms.id }).from(db.t.rooms).limit(1)
    .catch(() => { throw new Error('the chat tables are missing: run `npm run db:migrate` first'); });
  if (config.CHAT_DEMO) await seedDemo(db, config.UPLOAD_DIR);
  const verify = await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE });
  const app = createApp({ config, db, verify });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(`ipp-chat listening on http://${info.address}:${info.port}${config.CHAT_DEMO ? ' (demo mode)' : ''}`);
  });
  const stop = () => server.close(async () => { await db.close(); process.exit(0); });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(`ipp-chat: ${err.message.split('\n')[0]}`);
  process.exit(1);
});
