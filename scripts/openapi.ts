// npm run lint:openapi: writes the document GET /api/chat/openapi.json serves (with /metrics and /unsubscribe, as when METRICS_TOKEN and SMTP_URL are set)
// to the file given (stdout without one), for `redocly lint` and other tools.
import { writeFileSync } from 'node:fs';
import { createApp } from '../server/app';
import { parseEnv } from '../server/env';
import { openDb } from '../server/storage';
import { createTestDb } from '../testkit/db';

const testDb = await createTestDb('sqlite');
try {
  const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: 'x'.repeat(32), METRICS_TOKEN: 'documented',
    SMTP_URL: 'smtp://127.0.0.1:25', CHAT_MAIL_FROM: 'chat@example.com', CHAT_APP_URL: 'https://example.com' });
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  const app = createApp({ config, db, verify: () => Promise.reject(new Error('no token is verified here')) });
  const text = `${JSON.stringify(await (await app.request('/api/chat/openapi.json')).json(), null, 2)}\n`;
  await db.close();
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
} finally {
  await testDb.drop();
}
