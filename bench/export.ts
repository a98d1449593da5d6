import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openDb } from '../server/storage';
import { createTestDb, type Dialect } from '../testkit/db';
import { mb, ms, type Row } from './lib';

/** Messages of the exported room. */
const TOTAL = Number(process.env.BENCH_EXPORT_MESSAGES ?? 50_000);

const WORDS = ('le conteneur arrive lundi au quai de Marseille avec les palettes de café déjà dédouanées il faut prévoir '
  + 'deux caristes et un camion pour le transfert vers l’entrepôt la facture du transitaire est en pièce jointe merci de '
  + 'vérifier les montants avant vendredi réunion à 14 h pour le planning des livraisons été hiver commande fournisseur').split(' ');

/** A message of a few sentences, with an accent or an emoji now and then, as people write them. */
function text(i: number): string {
  const n = 8 + (i * 7) % 30;
  const words = Array.from({ length: n }, (_, k) => WORDS[(i * 31 + k * 17) % WORDS.length]);
  if (i % 10 === 0) words.push('👍');
  if (i % 25 === 0) words.push('<@2>');
  return `${words.join(' ')} (n°${i})`;
}

/**
 * Export of a 50 000-message room (a reply every 20 messages, an attachment
 * every 50) as a spreadsheet and as a PDF, each measured in a process of its
 * own (bench/export-child.ts): the time to download the whole file, the
 * growth of the peak RSS, and the live heap the export holds (sampled after
 * full GCs): it reads the room a page at a time and never holds it whole.
 */
export async function benchExport(dialects: Dialect[] = ['sqlite']): Promise<Row[]> {
  const rows: Row[] = [];
  for (const dialect of dialects) {
    const testDb = await createTestDb(dialect);
    try {
      const small = await seed(testDb.url, 'Échauffement', 20);
      const room = await seed(testDb.url, 'Import été 2026 🚢', TOTAL);
      for (const format of ['xlsx', 'pdf']) {
        const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/export-child.ts', format, String(room), String(small)], {
          env: { ...process.env, DATABASE_URL: testDb.url }, stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        const [code] = await once(child, 'exit');
        if (code !== 0) throw new Error(`export bench (${format}) exited with ${code}: ${out}`);
        const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; bytes: number; rssGrowth: number; heap: number };
        const bench = `export ${TOTAL / 1000}k msgs ${format} ${dialect}`;
        rows.push({ bench, metric: `time (whole file, ${mb(r.bytes)})`, value: ms(r.ms) });
        rows.push({ bench, metric: 'peak RSS growth', value: mb(r.rssGrowth) });
        rows.push({ bench, metric: 'live heap held (after GC)', value: mb(r.heap), target: '< 32 MB', ok: r.heap < 32 * 1024 * 1024 });
      }
    } finally {
      await testDb.drop();
    }
  }
  return rows;
}

/** A group of users 1, 2 and 3 with `total` messages written straight into the database, a minute apart, 500 rows a statement. */
async function seed(url: string, name: string, total: number): Promise<number> {
  const db = await openDb(url, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
  try {
    const { messages, attachments, rooms, members } = db.t;
    const base = Date.now() - total * 60_000;
    const roomId = await db.insert(rooms, { type: 'group', name, createdById: 1, createdAt: new Date(base), updatedAt: new Date(base) });
    await db.orm.insert(members).values([1, 2, 3].map((userId) => ({ roomId, userId, role: userId === 1 ? 'admin' as const : 'member' as const, joinedAt: new Date(base) })));
    const first = await db.insert(messages, { roomId, senderId: 1, content: text(0), type: 'text', createdAt: new Date(base) });
    for (let i = 1; i < total; i += 500) {
      await db.orm.insert(messages).values(Array.from({ length: Math.min(500, total - i) }, (_, k) => {
        const n = i + k;
        return {
          roomId, senderId: 1 + (n % 3), content: text(n), type: n % 50 === 0 ? 'file' as const : 'text' as const,
          replyToId: n % 20 === 0 ? first + n - 3 : null, createdAt: new Date(base + n * 60_000),
        };
      }));
    }
    for (let n = 50; n < total; n += 50 * 500) {
      await db.orm.insert(attachments).values(Array.from({ length: Math.min(500, Math.ceil((total - n) / 50)) }, (_, k) => ({
        messageId: first + n + k * 50, fileName: `facture-${n + k * 50}.pdf`, filePath: 'x.pdf', fileSize: 1000, fileType: 'application/pdf', fileExtension: 'pdf',
      })));
    }
    return roomId;
  } finally {
    await db.close();
  }
}
