import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMailWorker, type MailWorker } from '../../server/mail/worker';
import { silentLogger } from '../../server/log';
import { openDb, type Db } from '../../server/storage';
import { startSmtp, type TestSmtp } from '../../testkit/smtp';
import { DIALECTS, startServer, type Client, type TestServer } from './harness';

/*
 * E-mail for the absent, against a real SMTP server: what a user away from
 * the chat receives, when, and never twice.
 */

const APP = 'https://ipp.test';
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

describe.each(DIALECTS)('e-mail notifications on %s', (dialect) => {
  let server: TestServer;
  let smtp: TestSmtp;
  let alice: Client, bruno: Client, chloe: Client;
  let workers: MailWorker[] = [];
  const extraDbs: Db[] = [];

  /** A worker on the test server's database; `online`: who has a feed open. */
  const worker = (opts: { online?: number[]; db?: Db } = {}) => {
    const db = opts.db ?? server.db;
    const w = createMailWorker({ db: { ...db, online: async (ids) => new Set(ids.filter((id) => opts.online?.includes(id))) }, mail: server.config.mail!, logger: silentLogger() });
    workers.push(w);
    return w;
  };
  const send = async (from: Client, roomId: number, content: string) =>
    (await (await from.post(`/rooms/${roomId}/messages`, { content, clientId: crypto.randomUUID() })).json()) as { id: number };
  const room = async (from: Client, body: unknown) => (await (await from.post('/rooms', body)).json()) as { id: number };
  const mailsTo = (address: string) => smtp.received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0].address === address);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startServer(dialect, { SMTP_URL: smtp.url, CHAT_MAIL_FROM: 'IPP Chat <chat@ipp.test>', CHAT_APP_URL: `${APP}/` });
  });
  afterAll(async () => {
    for (const db of extraDbs) await db.close();
    await server?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    // Each test starts from no chat data and an empty mailbox.
    for (const table of ['chat_email_state', 'chat_preferences', 'chat_presence', 'chat_leases', 'chat_mentions', 'chat_room_members', 'chat_messages', 'chat_rooms']) {
      await server.testDb.exec(`DELETE FROM ${table}`);
    }
    smtp.received.length = 0;
    smtp.recipients.length = 0;
    [alice, bruno, chloe] = await Promise.all([server.as(1), server.as(2), server.as(3)]);
  });
  afterEach(async () => {
    for (const w of workers) await w.stop();
    workers = [];
  });

  it('sends one e-mail listing the rooms and their latest messages, escaped, with links, in both parts', async () => {
    const direct = await room(bruno, { type: 'direct', userId: 1 });
    const group = await room(chloe, { type: 'group', name: 'Quai <Nord>', memberIds: [1, 2] });
    await send(bruno, direct.id, 'Premier');
    await send(bruno, direct.id, '<b>Salut</b> & <script>alert(1)</script>');
    await send(chloe, group.id, 'Sans mention, pas pour Alice');
    await send(chloe, group.id, 'Le conteneur <@1> est arrivé, <@99> non');

    const report = await worker().pass(minutes(16));
    expect(report).toMatchObject({ leased: true, sent: 1, failed: 0 });
    const [mail] = mailsTo('alice@ipp.test');
    expect(mailsTo('alice@ipp.test')).toHaveLength(1);
    expect(mail.from?.value[0]).toMatchObject({ name: 'IPP Chat', address: 'chat@ipp.test' });
    expect(mail.subject).toMatch(/^3 messages non lus/);
    // Plain text: the messages as written, mentions as @Name, a link per room.
    expect(mail.text).toContain('Bruno Durand');
    expect(mail.text).toContain('<b>Salut</b> & <script>alert(1)</script>');
    expect(mail.text).toContain('Le conteneur @Alice Martin est arrivé, <@99> non');
    expect(mail.text).not.toContain('Sans mention');
    expect(mail.text).toContain(`${APP}/chat/${direct.id}`);
    expect(mail.text).toContain(`${APP}/chat/${group.id}`);
    // HTML: the same, every user text escaped.
    expect(mail.html).toContain('&lt;b&gt;Salut&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Quai &lt;Nord&gt;');
    expect(mail.html).toContain('@Alice Martin');
    expect(mail.html).toContain(`href="${APP}/chat/${direct.id}"`);
    // The direct room is named after Bruno, the most recent room first.
    expect(mail.text!.indexOf('Quai <Nord>')).toBeLessThan(mail.text!.indexOf('■ Bruno Durand'));
    // RFC 8058 one-click unsubscribe.
    const unsubscribe = mail.headerLines.find((l) => l.key === 'list-unsubscribe')!.line.replace(/\r?\n(?=[ \t])/g, '');
    expect(unsubscribe).toMatch(new RegExp(`^List-Unsubscribe: <${APP}/api/chat/unsubscribe/[\\w.-]+>$`));
    expect(mail.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    // Bruno, mentioned by no one and written to by no one, gets nothing; Bruno's group message to Alice is not in his.
    expect(mailsTo('bruno@ipp.test')).toHaveLength(0);
  });

  it('writes in the language of the user\'s row, French otherwise', async () => {
    await server.testDb.exec('ALTER TABLE users ADD COLUMN language VARCHAR(10)');
    await server.testDb.exec("UPDATE users SET language = 'en_GB' WHERE id = 1");
    const db = await openDb(server.config.DATABASE_URL, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    extraDbs.push(db);
    try {
      const toAlice = await room(bruno, { type: 'direct', userId: 1 });
      const toChloe = await room(bruno, { type: 'direct', userId: 3 });
      await send(bruno, toAlice.id, 'Hello');
      await send(bruno, toChloe.id, 'Bonjour');
      expect((await worker({ db }).pass(minutes(16))).sent).toBe(2);
      const [en] = mailsTo('alice@ipp.test');
      expect(en.subject).toMatch(/^1 unread message: Bruno Durand/);
      expect(en.text).toContain('Open the conversation');
      expect(en.html).toContain('<html lang="en">');
      const [fr] = mailsTo('chloe@ipp.test');
      expect(fr.subject).toMatch(/^1 message non lu/);
      expect(fr.text).toContain('Ouvrir la conversation');
    } finally {
      await server.testDb.exec('ALTER TABLE users DROP COLUMN language');
    }
  });

  it('waits for the delay, sends at most one e-mail per window, and never a message twice', async () => {
    const direct = await room(bruno, { type: 'direct', userId: 1 });
    await send(bruno, direct.id, 'Un');
    const w = worker();
    expect((await w.pass(minutes(10))).sent).toBe(0);
    expect((await w.pass(minutes(16))).sent).toBe(1);
    await send(bruno, direct.id, 'Deux');
    // Within 15 minutes of the first e-mail: nothing, however due the message.
    expect((await w.pass(minutes(25))).sent).toBe(0);
    expect((await w.pass(minutes(32))).sent).toBe(1);
    expect((await w.pass(minutes(60))).sent).toBe(0);
    const [first, second] = mailsTo('alice@ipp.test');
    expect(first.text).toContain('Un');
    expect(second.text).toContain('Deux');
    expect(second.text).not.toMatch(/: Un$/m);
    expect(mailsTo('alice@ipp.test')).toHaveLength(2);
  });

  it('follows the preference: off, mentions (direct messages and mentions), all (unmuted rooms), and its delay', async () => {
    const group = await room(chloe, { type: 'group', name: 'Projet', memberIds: [1, 2] });
    const muted = await room(chloe, { type: 'group', name: 'Bruit', memberIds: [1, 2] });
    await bruno.patch('/me/preferences', { email: 'all', emailDelayMinutes: 60 });
    await bruno.patch(`/rooms/${muted.id}/me`, { muted: true });
    await alice.patch(`/rooms/${muted.id}/me`, { muted: true });
    await send(chloe, group.id, 'Pour tout le monde');
    await send(chloe, muted.id, 'Dans le bruit');
    await send(chloe, muted.id, 'Mais <@1> doit voir ceci');
    const w = worker();
    expect((await w.pass(minutes(16))).sent).toBe(1);
    expect(mailsTo('alice@ipp.test')[0].text).toContain('Mais @Alice Martin doit voir ceci');
    expect(mailsTo('alice@ipp.test')[0].text).not.toContain('Pour tout le monde');
    expect((await w.pass(minutes(61))).sent).toBe(1);
    const [forBruno] = mailsTo('bruno@ipp.test');
    expect(forBruno.text).toContain('Pour tout le monde');
    expect(forBruno.text).not.toContain('Dans le bruit');
    await send(chloe, group.id, '<@1> <@2> encore');
    await alice.patch('/me/preferences', { email: 'off' });
    expect((await w.pass(minutes(200))).sent).toBe(1);
    expect(mailsTo('alice@ipp.test')).toHaveLength(1);
  });

  it('sends nothing to a user who read in time, had a feed open since, or has one open now', async () => {
    const toAlice = await room(bruno, { type: 'direct', userId: 1 });
    const toChloe = await room(bruno, { type: 'direct', userId: 3 });
    const toDavid = await room(bruno, { type: 'direct', userId: 4 });
    const read = await send(bruno, toAlice.id, 'Lu à temps');
    await send(bruno, toChloe.id, 'Vu dans le chat');
    await send(bruno, toDavid.id, 'En ligne');
    await alice.post(`/rooms/${toAlice.id}/read`, { messageId: read.id });
    // Chloé's last feed closed after the message arrived: she had the chat open since.
    await server.db.upsert(server.db.t.presence, { userId: 3, lastSeenAt: minutes(1) }, server.db.t.presence.userId, { lastSeenAt: minutes(1) });
    const w = worker({ online: [4] });
    expect(await w.pass(minutes(16))).toMatchObject({ sent: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);
    // A message after Chloé left is hers to receive.
    await server.db.upsert(server.db.t.presence, { userId: 3, lastSeenAt: minutes(-1) }, server.db.t.presence.userId, { lastSeenAt: minutes(-1) });
    await send(bruno, toChloe.id, 'Après son départ');
    expect((await w.pass(minutes(17))).sent).toBe(1);
    expect(mailsTo('chloe@ipp.test')[0].text).toContain('Après son départ');
  });

  it('tries again later when the SMTP server refuses, and loses nothing', async () => {
    const direct = await room(bruno, { type: 'direct', userId: 1 });
    await send(bruno, direct.id, 'Tenace');
    smtp.refuseNext(1);
    const w = worker();
    expect(await w.pass(minutes(16))).toMatchObject({ sent: 0, failed: 1 });
    expect(smtp.received).toHaveLength(0);
    // Not before the retry time, then once.
    expect((await w.pass(minutes(16.5))).sent).toBe(0);
    expect((await w.pass(minutes(18))).sent).toBe(1);
    expect((await w.pass(minutes(60))).sent).toBe(0);
    expect(mailsTo('alice@ipp.test')).toHaveLength(1);
    expect(mailsTo('alice@ipp.test')[0].text).toContain('Tenace');
  });

  it('sends nothing when the users table has no email column, and nothing to a user without an address', async () => {
    const direct = await room(bruno, { type: 'direct', userId: 1 });
    await send(bruno, direct.id, 'Personne ne le lira par e-mail');
    await server.testDb.exec('ALTER TABLE users RENAME COLUMN email TO mail_address');
    const db = await openDb(server.config.DATABASE_URL, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    extraDbs.push(db);
    try {
      expect(await worker({ db }).pass(minutes(16))).toMatchObject({ leased: false, sent: 0 });
    } finally {
      await server.testDb.exec('ALTER TABLE users RENAME COLUMN mail_address TO email');
    }
    await server.testDb.exec('UPDATE users SET email = NULL WHERE id = 1');
    try {
      expect(await worker().pass(minutes(16))).toMatchObject({ sent: 0, skipped: 1 });
      expect(smtp.received).toHaveLength(0);
    } finally {
      await server.testDb.exec("UPDATE users SET email = 'alice@ipp.test' WHERE id = 1");
    }
  });

  if (dialect === 'mysql') it('sends one e-mail, not one per instance, when two workers share the database', async () => {
    const direct = await room(bruno, { type: 'direct', userId: 1 });
    await send(bruno, direct.id, 'Une seule fois');
    const db2 = await openDb(server.config.DATABASE_URL, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    extraDbs.push(db2);
    const [a, b] = [worker(), worker({ db: db2 })];
    const at = minutes(16);
    const reports = await Promise.all([a.pass(at), b.pass(at), a.pass(at), b.pass(at)]);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect((await b.pass(minutes(40))).sent).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });
});
