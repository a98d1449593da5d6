import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { CONCURRENT_EXPORTS, createLimits } from '../../server/limits';
import { EXPORT_PAGE } from '../../server/services/export';
import { findFonts, writePdf } from '../../server/services/export-pdf';
import { exportWords } from '../../server/services/export-words';
import { samples } from './fixtures/files';
import { clientFor, DIALECTS, expectProblem, mint, startServer, type Client, type TestServer } from './harness';

/*
 * GET /rooms/:id/export: the files are opened as a user would open them, the
 * spreadsheet with exceljs and the PDF through pdftotext (poppler-utils), and
 * must read like the conversation a member sees now.
 */

function requirePdftotext() {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('pdftotext is missing: install poppler-utils (apt-get install -y poppler-utils; scripts/provision.sh does it)');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ippchat-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The text pdftotext reads in a PDF, in reading order. */
async function pdfText(bytes: ArrayBuffer): Promise<string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, Buffer.from(bytes));
  const { stdout } = await promisify(execFile)('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 << 20 });
  return stdout;
}

async function workbook(bytes: ArrayBuffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes);
  return book;
}

/** A date's wall-clock time in Paris as a spreadsheet holds it (UTC fields). */
const paris = (iso: string) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
};

const cellText = (v: ExcelJS.CellValue) =>
  (v && typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : v == null ? '' : String(v));

describe.each(DIALECTS)('conversation export on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  let david: Client;
  let roomId: number;
  const sent: Record<string, { id: number; createdAt: string }> = {};

  beforeAll(async () => {
    requirePdftotext();
    server = await startServer(dialect);
    [alice, bruno, david] = await Promise.all([server.as(1), server.as(2), server.as(4)]);
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Équipe quai — Été', memberIds: [2] })).json();
    roomId = room.id;
    await alice.post(`/rooms/${roomId}/members`, { userId: 3 });
    const send = async (who: Client, key: string, content: string, replyToId?: number) => {
      sent[key] = await (await who.post(`/rooms/${roomId}/messages`, { content, clientId: key, ...(replyToId ? { replyToId } : {}) })).json();
    };
    await send(alice, 'hello', 'Bonjour à tous, le conteneur arrive lundi 🚢 <@3>');
    await send(bruno, 'answer', 'Très bien, merci ! Déchargement prévu à 8 h 👍', sent.hello.id);
    const form = new FormData();
    form.append('clientId', 'photo');
    form.append('content', 'La photo du quai');
    form.append('files', new Blob([new Uint8Array((await samples()).png)], { type: 'image/png' }), 'quai-été.png');
    sent.photo = await (await alice.request('POST', `/rooms/${roomId}/messages`, undefined, {}, form)).json();
    await send(bruno, 'typo', 'Rendez-vous à 9h');
    await bruno.patch(`/messages/${sent.typo.id}`, { content: 'Rendez-vous à 10 h, corrigé' });
    await send(bruno, 'secret', 'Texte à oublier');
    await bruno.delete(`/messages/${sent.secret.id}`);
  });
  afterAll(() => server?.close());

  /** A room of Alice and Bruno with `total` messages, a minute apart from 1 March 2026 09:00 Paris (its creation a minute before). */
  async function roomOf(total: number, text: (i: number) => string): Promise<number> {
    const room = await (await alice.post('/rooms', { type: 'group', name: 'Archive', memberIds: [2] })).json();
    const { messages } = server.db.t;
    const base = Date.parse('2026-03-01T08:00:00Z');
    await server.db.orm.update(messages).set({ createdAt: new Date(base - 60_000) }).where(eq(messages.roomId, room.id));
    for (let i = 0; i < total; i += 200) {
      await server.db.orm.insert(messages).values(Array.from({ length: Math.min(200, total - i) }, (_, k) => ({
        roomId: room.id, senderId: (i + k) % 2 ? 2 : 1, content: text(i + k + 1), type: 'text' as const, createdAt: new Date(base + (i + k) * 60_000),
      })));
    }
    return room.id;
  }

  it('writes a spreadsheet: bold frozen header, a row per message, French date cells, replies, attachments, accents', async () => {
    const res = await alice.get(`/rooms/${roomId}/export?format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    expect(res.headers.get('content-disposition'))
      .toBe(`attachment; filename="equipe-quai-ete-${day}.xlsx"; filename*=UTF-8''${encodeURIComponent(`Équipe quai — Été ${day}.xlsx`)}`);
    const book = await workbook(await res.arrayBuffer());
    const sheet = book.getWorksheet('Messages')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).values).toEqual([undefined, 'Date', 'Expéditeur', 'Message', 'Réponse à', 'Pièces jointes']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.columns.map((c) => c.width)).toEqual([17, 24, 80, 40, 32]);

    const rows = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => ({
      date: r.getCell(1).value as Date, format: r.getCell(1).numFmt,
      sender: cellText(r.getCell(2).value), text: cellText(r.getCell(3).value), reply: cellText(r.getCell(4).value), files: cellText(r.getCell(5).value),
    }));
    expect(rows.map((r) => r.text)).toEqual([
      'Alice Martin a créé la conversation',
      'Alice Martin a ajouté Chloé Bernard',
      'Bonjour à tous, le conteneur arrive lundi 🚢 @Chloé Bernard',
      'Très bien, merci ! Déchargement prévu à 8 h 👍',
      'La photo du quai',
      'Rendez-vous à 10 h, corrigé (modifié)',
      'Message supprimé',
    ]);
    const hello = rows[2];
    expect(hello.date).toBeInstanceOf(Date);
    expect(hello.date.getTime()).toBe(paris(sent.hello.createdAt));
    expect(hello.format).toBe('dd/mm/yyyy hh:mm');
    expect(hello.sender).toBe('Alice Martin');
    expect(rows[3]).toMatchObject({ sender: 'Bruno Durand', reply: 'Alice Martin : « Bonjour à tous, le conteneur arrive lundi 🚢 @Chloé Bernard »' });
    expect(rows[4].files).toBe('quai-été.png');
    expect(rows.map((r) => r.sender).join()).not.toMatch(/#/);

    const about = book.getWorksheet('Conversation')!;
    const facts = Object.fromEntries(about.getRows(1, about.rowCount)!.map((r) => [cellText(r.getCell(1).value), cellText(r.getCell(2).value)]));
    expect(facts).toMatchObject({ Conversation: 'Équipe quai — Été', Participants: 'Alice Martin, Bruno Durand, Chloé Bernard' });
    expect(facts['Fuseau horaire']).toMatch(/^Europe\/Paris/);
  });

  it('writes a PDF whose text holds the room, its participants, the period, every message as it reads now, replies and attachments', async () => {
    const res = await alice.get(`/rooms/${roomId}/export?format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="equipe-quai-ete-\d{4}-\d{2}-\d{2}\.pdf"; filename\*=UTF-8''%C3%89quipe/);
    const text = (await pdfText(await res.arrayBuffer())).replace(/\s+/g, ' ');
    expect(text).toContain('Équipe quai — Été');
    expect(text).toContain('Participants : Alice Martin, Bruno Durand, Chloé Bernard');
    expect(text).toMatch(/Période : du \d\d\/\d\d\/\d{4} \d\d:\d\d au \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    expect(text).toContain('Alice Martin a ajouté Chloé Bernard');
    expect(text).toContain('Bonjour à tous, le conteneur arrive lundi 🚢 @Chloé Bernard');
    expect(text).toContain('Très bien, merci ! Déchargement prévu à 8 h 👍');
    expect(text).toContain('↪ Alice Martin : « Bonjour à tous');
    expect(text).toContain('Pièces jointes : quai-été.png');
    expect(text).toContain('Rendez-vous à 10 h, corrigé (modifié)');
    expect(text).toContain('Message supprimé');
    // What a member can no longer read is not in the file.
    expect(text).not.toContain('Rendez-vous à 9h');
    expect(text).not.toContain('Texte à oublier');
    expect(text).not.toContain('<@3>');
  });

  it('speaks English and gives dates in the time zone asked for', async () => {
    const res = await alice.get(`/rooms/${roomId}/export?format=xlsx&lang=en&tz=UTC`);
    const sheet = (await workbook(await res.arrayBuffer())).getWorksheet('Messages')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'Date', 'Sender', 'Message', 'Reply to', 'Attachments']);
    expect(cellText(sheet.getRow(3).getCell(3).value)).toBe('Alice Martin added Chloé Bernard');
    expect((sheet.getRow(4).getCell(1).value as Date).toISOString()).toBe(sent.hello.createdAt);
    const pdf = (await pdfText(await (await alice.get(`/rooms/${roomId}/export?format=pdf&lang=en`)).arrayBuffer())).replace(/\s+/g, ' ');
    expect(pdf).toContain('Participants: Alice Martin, Bruno Durand, Chloé Bernard');
    expect(pdf).toContain('Message deleted');
  });

  it('answers 404 to a non-member and for a room that does not exist, 400 for a bad format or time zone, 403 to a member without chat.read', async () => {
    for (const format of ['xlsx', 'pdf']) expect((await expectProblem(await david.get(`/rooms/${roomId}/export?format=${format}`), 404)).code).toBe('not-found');
    await expectProblem(await alice.get('/rooms/999999/export?format=pdf'), 404);
    await expectProblem(await alice.get(`/rooms/${roomId}/export?format=csv`), 400);
    await expectProblem(await alice.get(`/rooms/${roomId}/export`), 400);
    await expectProblem(await alice.get(`/rooms/${roomId}/export?format=pdf&tz=Mars/Olympus`), 400);
    const unread = await server.as(2, ['chat.create']);
    expect((await expectProblem(await unread.get(`/rooms/${roomId}/export?format=xlsx`), 403)).permission).toBe('chat.read');
    // Without chat.read and not a member: the same 404 as anyone outside the room.
    await expectProblem(await (await server.as(4, ['chat.create'])).get(`/rooms/${roomId}/export?format=xlsx`), 404);
  });

  it('refuses past the per-minute limit with 429 and Retry-After', async () => {
    const limits = createLimits({ messagesPerMinute: 0, uploadsPerMinute: 0, concurrentUploads: 3, streamsPerUser: 0, exportsPerMinute: 1 });
    const verify = await createVerifier(server.config.jwtKey, { audience: server.config.CHAT_JWT_AUDIENCE });
    const app = createApp({ config: server.config, db: server.db, verify, limits });
    try {
      const client = clientFor(app, await mint({ sub: '1' }));
      const first = await client.get(`/rooms/${roomId}/export?format=xlsx`);
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const refused = await client.get(`/rooms/${roomId}/export?format=pdf`);
      expect((await expectProblem(refused, 429)).reason).toBe('exports');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      limits.close();
    }
  });

  it('exports a room larger than a page, every message once, in order', async () => {
    const total = EXPORT_PAGE * 2 + 37;
    const id = await roomOf(total, (n) => `Message n°${n}`);
    const sheet = (await workbook(await (await bruno.get(`/rooms/${id}/export?format=xlsx`)).arrayBuffer())).getWorksheet('Messages')!;
    const texts = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => cellText(r.getCell(3).value)).filter((t) => t.startsWith('Message n°'));
    expect(texts).toEqual(Array.from({ length: total }, (_, i) => `Message n°${i + 1}`));
    const pdf = await pdfText(await (await bruno.get(`/rooms/${id}/export?format=pdf`)).arrayBuffer());
    expect(pdf).toContain('Message n°1\n');
    expect(pdf).toContain(`Message n°${total}\n`);
    expect(pdf).toContain('Période : du 01/03/2026 08:59 au 02/03/2026 02:16');
  });

  it('frees the export slot of a reader who leaves half-way', async () => {
    const limits = createLimits({ messagesPerMinute: 0, uploadsPerMinute: 0, concurrentUploads: 3, streamsPerUser: 0, exportsPerMinute: 0 });
    const verify = await createVerifier(server.config.jwtKey, { audience: server.config.CHAT_JWT_AUDIENCE });
    const app = createApp({ config: server.config, db: server.db, verify, limits });
    // Files far larger than what waits for a reader, so both are still being written when their readers leave.
    const id = await roomOf(1000, (n) => `${n} ${randomBytes(60).toString('hex').match(/.{8}/g)!.join(' ')}`);
    try {
      const client = clientFor(app, await mint({ sub: '1' }));
      const started = await Promise.all(Array.from({ length: CONCURRENT_EXPORTS }, () => app.request(`/api/chat/rooms/${id}/export?format=pdf`, {
        headers: { Authorization: `Bearer ${client.token}` },
      })));
      expect((await expectProblem(await client.get(`/rooms/${id}/export?format=pdf`), 429)).reason).toBe('concurrent-exports');
      for (const res of started) await res.body!.cancel();
      await expect.poll(async () => {
        const res = await client.get(`/rooms/${roomId}/export?format=xlsx`);
        await res.arrayBuffer();
        return res.status;
      }, { timeout: 20_000 }).toBe(200);
    } finally {
      limits.close();
    }
  }, 60_000);
});

describe('the PDF without its fonts', () => {
  it('says in the log which Debian package is missing, and still writes a readable PDF', async () => {
    requirePdftotext();
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
    const fonts = findFonts(logger, { regular: ['/nonexistent/DejaVuSans.ttf'], bold: ['/nonexistent/b.ttf'], italic: ['/nonexistent/i.ttf'], emoji: ['/nonexistent/Symbola.ttf'] });
    expect(fonts).toEqual({ text: null, emoji: null });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/DejaVu Sans not found at \/nonexistent\/DejaVuSans\.ttf \(Debian package fonts-dejavu-core\): PDF exports use Helvetica/);
    expect(lines[1]).toMatch(/Symbola not found .*fonts-symbola/);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const words = exportWords.fr;
    const at = new Date('2026-05-04T10:00:00Z');
    await writePdf({
      meta: { roomId: 1, title: 'Équipe quai', participants: ['Chloé Bernard'], participantCount: 1, first: at, last: at, exportedAt: at, lang: 'fr', timeZone: 'Europe/Paris', words },
      options: { format: 'pdf', lang: 'fr', timeZone: 'Europe/Paris' }, disposition: '', contentType: 'application/pdf',
      async* pages() { yield [{ id: 1, at, sender: 'Chloé Bernard', text: 'Déjà livré', kind: 'message' as const, edited: false, reply: null, attachments: [] }]; },
    }, out, fonts);
    const text = await pdfText(new Uint8Array(Buffer.concat(chunks)).buffer);
    expect(text).toContain('Équipe quai');
    expect(text).toContain('04/05/2026 12:00 Chloé Bernard');
    expect(text).toContain('Déjà livré');
  });
});
