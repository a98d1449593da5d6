import { sql } from 'drizzle-orm';
import { parseEnv } from '../server/env';
import { silentLogger } from '../server/log';
import { createMailWorker } from '../server/mail/worker';
import { openDb } from '../server/storage';
import { createTestDb, type Dialect, type TestUser } from '../testkit/db';
import { SECRET } from '../testkit/tokens';
import { startSmtp } from '../testkit/smtp';
import type { Row } from './lib';

const USERS = 1000;
const DIRECT = 5;
const MENTIONS = 5;

/**
 * One e-mail pass over 10 000 unread notifications: 1000 users, each with 5
 * unread direct messages and 5 unread `<@all>` mentions in a 1001-member
 * group, half an hour old, sent to a real SMTP server on localhost. Then the
 * next pass, which has nothing left to send (the steady state).
 */
export async function benchMail(dialects: Dialect[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) {
    const sender = USERS + 1;
    const people: TestUser[] = Array.from({ length: sender }, (_, i) => ({
      id: i + 1, username: `u${i + 1}`, full_name: `User ${i + 1}`, email: `u${i + 1}@bench.test`, is_active: 1,
    }));
    const testDb = await createTestDb(dialect, people);
    const smtp = await startSmtp({ keep: false });
    const config = parseEnv({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, SMTP_URL: smtp.url, CHAT_MAIL_FROM: 'chat@bench.test', CHAT_APP_URL: 'https://ipp.test' });
    const db = await openDb(config.DATABASE_URL, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    try {
      const { rooms, members, messages, mentions } = db.t;
      const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 30 * 60_000);
      await db.transaction(async (tx) => {
        const chunks = <T>(list: T[], n = 500) => Array.from({ length: Math.ceil(list.length / n) }, (_, i) => list.slice(i * n, i * n + n));
        const group = await tx.insert(rooms, { name: 'Tout le monde', type: 'group', createdById: sender, createdAt: at });
        for (const part of chunks(people.map((p) => ({ roomId: group, userId: p.id, role: p.id === sender ? 'admin' as const : 'member' as const, joinedAt: at })))) {
          await tx.orm.insert(members).values(part);
        }
        for (const part of chunks(people.slice(0, USERS), 100)) {
          for (const p of part) {
            const room = await tx.insert(rooms, { type: 'direct', createdById: sender, directKey: `${p.id}:${sender}`, createdAt: at });
            await tx.orm.insert(members).values([{ roomId: room, userId: p.id, joinedAt: at }, { roomId: room, userId: sender, joinedAt: at }]);
            await tx.orm.insert(messages).values(Array.from({ length: DIRECT }, (_, k) => ({ roomId: room, senderId: sender, content: `Le conteneur ${k} arrive <b>lundi</b>`, createdAt: at })));
          }
        }
        for (let k = 0; k < MENTIONS; k++) {
          const id = await tx.insert(messages, { roomId: group, senderId: sender, content: `<@all> point ${k} du jour`, createdAt: at });
          for (const part of chunks(people.slice(0, USERS))) await tx.orm.insert(mentions).values(part.map((p) => ({ messageId: id, userId: p.id, roomId: group })));
        }
      });
      const worker = createMailWorker({ db, mail: config.mail!, logger: silentLogger() });
      const t0 = performance.now();
      const report = await worker.pass();
      const first = performance.now() - t0;
      const t1 = performance.now();
      const again = await worker.pass();
      const second = performance.now() - t1;
      await worker.stop();
      const label = `e-mail digest (${dialect})`;
      rows.push(
        { bench: label, metric: `pass: ${USERS * (DIRECT + MENTIONS)} unread, ${USERS} users`, value: `${(first / 1000).toFixed(2)} s, ${report.sent} e-mails`, target: `${USERS} e-mails`, ok: report.sent === USERS && smtp.count === USERS },
        { bench: label, metric: 'e-mails per second (local SMTP)', value: `${Math.round(report.sent / (first / 1000))}/s` },
        { bench: label, metric: 'next pass, nothing left to send', value: `${second.toFixed(0)} ms, ${again.sent} e-mails`, target: '0 e-mails', ok: again.sent === 0 },
      );
    } finally {
      await db.close();
      await smtp.close();
      await testDb.drop();
    }
  }
  return rows;
}
