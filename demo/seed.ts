import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { eq } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { permissions, type Me } from '../server/services/access';
import { createRoom, openDirect } from '../server/services/rooms';
import { changeRole } from '../server/services/members';
import { addReaction } from '../server/services/reactions';
import { editMessage, sendMessage } from '../server/services/messages';
import { markRead } from '../server/services/reads';
import { checkFile, STAGING } from '../server/services/uploads';
import { sqlitePath } from '../server/storage/sqlite';
import type { Db } from '../server/storage';
import { makePdf, makePicture, makeXlsx } from './files';

/** The demo's people: an import company's staff. Nicolas and Inès may not create groups. */
export const DEMO_USERS = [
  { id: 1, username: 'camille', full_name: 'Camille Laurent', email: 'camille.laurent@importprofit.test', job: 'Direction' },
  { id: 2, username: 'julien', full_name: 'Julien Moreau', email: 'julien.moreau@importprofit.test', job: 'Achats' },
  { id: 3, username: 'sophie', full_name: 'Sophie Lefèvre', email: 'sophie.lefevre@importprofit.test', job: 'Logistique' },
  { id: 4, username: 'thomas', full_name: 'Thomas Girard', email: 'thomas.girard@importprofit.test', job: 'Comptabilité' },
  { id: 5, username: 'nicolas', full_name: 'Nicolas Roux', email: 'nicolas.roux@importprofit.test', job: 'Douane' },
  { id: 6, username: 'ines', full_name: 'Inès Benali', email: 'ines.benali@importprofit.test', job: 'Commercial' },
];

/** The permissions a demo user's token carries. */
export const demoPerms = (userId: number) =>
  permissions.filter((p) => p !== 'chat.manage_rooms' || userId <= 4);

/**
 * Demo mode only: creates the mock host's users table and its people, in the
 * demo database (never in a host's). Runs before the migrations, which
 * reference users(id). A users table holding anyone else is a real host's:
 * demo mode would hand out tokens for its ids without a login, so it refuses
 * to start there.
 */
export async function createDemoUsers(url: string): Promise<void> {
  const cols = ['id', 'username', 'full_name', 'email'];
  if (url.startsWith('mysql://')) {
    const conn = await mysql.createConnection({ uri: url });
    try {
      const [found] = await conn.query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'");
      if ((found as unknown[]).length) refuseForeignUsers(((await conn.query('SELECT * FROM users ORDER BY id LIMIT 7'))[0]) as Record<string, unknown>[]);
      await conn.query(`CREATE TABLE IF NOT EXISTS users (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, username VARCHAR(80) NOT NULL UNIQUE,
        full_name VARCHAR(120), email VARCHAR(120), is_active TINYINT(1) NOT NULL DEFAULT 1
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
      for (const u of DEMO_USERS) await conn.query(`INSERT IGNORE INTO users (${cols}) VALUES (?, ?, ?, ?)`, [u.id, u.username, u.full_name, u.email]);
    } finally {
      await conn.end();
    }
    return;
  }
  const client = createClient({ url: `file:${sqlitePath(url)}` });
  try {
    const found = await client.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'");
    if (found.rows.length) refuseForeignUsers((await client.execute('SELECT * FROM users ORDER BY id LIMIT 7')).rows as unknown as Record<string, unknown>[]);
    await client.execute(`CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY, username VARCHAR(80) NOT NULL UNIQUE, full_name VARCHAR(120), email VARCHAR(120),
      is_active BOOLEAN NOT NULL DEFAULT 1)`);
    for (const u of DEMO_USERS) {
      await client.execute({ sql: `INSERT OR IGNORE INTO users (${cols}) VALUES (?, ?, ?, ?)`, args: [u.id, u.username, u.full_name, u.email] });
    }
  } finally {
    client.close();
  }
}

/** Throws (one line) when a users table holds anyone but the demo's people. */
function refuseForeignUsers(rows: Record<string, unknown>[]): void {
  const foreign = rows.filter((r) => !DEMO_USERS.some((u) => u.id === Number(r.id) && u.username === r.username));
  if (foreign.length || rows.length > DEMO_USERS.length) {
    throw new Error('demo mode refuses to start: the users table of DATABASE_URL holds users that demo mode did not create; give demo mode a database of its own');
  }
}

const me = (id: number): Me => ({
  id, name: DEMO_USERS[id - 1].full_name, perms: new Set(permissions), exp: Number.MAX_SAFE_INTEGER,
});

/** Seeds conversations, read markers and attachments once, when the database has no room yet. */
export async function seedDemo(db: Db, uploadDir: string): Promise<void> {
  const [any] = await db.orm.select({ id: db.t.rooms.id }).from(db.t.rooms).limit(1);
  if (any) return;
  const staging = join(uploadDir, STAGING, randomUUID());
  await mkdir(staging, { recursive: true });
  const stage = async (fileName: string, bytes: Uint8Array) => {
    const path = join(staging, randomUUID());
    await writeFile(path, bytes);
    return checkFile({ path, fileName, size: bytes.length }, staging);
  };
  const clock = { minutesAgo: 3 * 24 * 60 };
  const say = async (roomId: number, from: number, content: string, minutes: number, extra: { replyToId?: number; files?: Awaited<ReturnType<typeof stage>>[] } = {}) => {
    const { message } = await sendMessage(db, me(from), roomId, { content, clientId: randomUUID(), replyToId: extra.replyToId },
      extra.files ? { files: extra.files, uploadDir } : undefined);
    clock.minutesAgo -= minutes;
    // The story happened over the last days, not all at start-up.
    const at = new Date(Date.now() - clock.minutesAgo * 60_000);
    await db.transaction((tx) => tx.orm.update(tx.t.messages).set({ createdAt: at }).where(eq(tx.t.messages.id, message.id)));
    return message.id;
  };

  try {
    const achats = await createRoom(db, me(1), { type: 'group', name: 'Achats Asie', memberIds: [2, 3, 4] });
    await changeRole(db, me(1), achats.id, 2, 'moderator');
    const annonces = await createRoom(db, me(1), { type: 'channel', name: 'Annonces', memberIds: [2, 3, 4, 5, 6] });
    const { room: julien } = await openDirect(db, me(1), 2);
    const { room: sophie } = await openDirect(db, me(3), 1);

    await say(annonces.id, 1, 'Bienvenue sur la messagerie interne d’Import Profit Pro 👋 Posez vos questions ici ou en message direct.', 10);
    const proforma = await say(achats.id, 2, 'Voici la proforma du fournisseur de Ningbo pour la commande PI-2025-118.', 60,
      { files: [await stage('Proforma PI-2025-118.pdf', makePdf(['Facture proforma PI-2025-118', 'Ningbo Everbright Trading Co.', '1 200 lampes LED, FOB Ningbo', 'Total : 18 450,00 USD']))] });
    await say(achats.id, 4, 'Merci Julien. Le taux USD/EUR retenu est celui de vendredi ?', 12, { replyToId: proforma });
    await say(achats.id, 2, 'Oui, 0,9312. J’ai mis à jour le tableau des marges.', 8,
      { files: [await stage('Marges Q4.xlsx', makeXlsx([['Article', 'Prix achat (EUR)', 'Prix vente (EUR)', 'Marge'], ['Lampe LED 12W', 14.2, 24.9, 0.43], ['Lampe LED 18W', 17.8, 31.5, 0.43], ['Réglette 120 cm', 22.1, 39.0, 0.43]]))] });
    const photo = await say(achats.id, 3, 'Le conteneur est arrivé au Havre ce matin, déchargement prévu jeudi.', 240,
      { files: [await stage('Conteneur MSKU4815162.png', await makePicture())] });
    await say(achats.id, 1, 'Parfait, merci Sophie ! Pensez à prévenir la douane pour le dédouanement.', 15, { replyToId: photo });
    for (const [who, emoji] of [[1, '🎉'], [2, '👍'], [4, '👍']] as const) await addReaction(db, me(who), photo, emoji);
    await say(julien.id, 1, 'Julien, tu peux me renvoyer le contrat cadre signé ?', 600);
    const answer = await say(julien.id, 2, 'Bien sûr, je te l’envoie dans l’après-midi.', 20);
    await editMessage(db, me(2), answer, 'Bien sûr, je te l’envoie cet après-midi.');
    const done = await say(julien.id, 2, 'C’est fait, il est dans ta boîte mail.', 180);
    await say(sophie.id, 3, 'Camille, as-tu validé le transporteur pour la livraison de Lyon ?', 30);
    await say(sophie.id, 3, 'Il faudrait confirmer avant 17 h pour garder le créneau.', 2);

    // The rooms were made when the story began, not at start-up: their system lines come first in time too.
    const began = new Date(Date.now() - (3 * 24 * 60 + 5) * 60_000);
    await db.transaction((tx) => tx.orm.update(tx.t.messages).set({ createdAt: began }).where(eq(tx.t.messages.type, 'system')));

    // Read markers: Camille has read everything of Julien's; Thomas is behind in Achats Asie.
    await markRead(db, me(1), julien.id, done);
    await markRead(db, me(4), achats.id, proforma);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
