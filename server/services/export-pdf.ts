import { once } from 'node:events';
import type { PassThrough } from 'node:stream';
import PDFDocument from 'pdfkit';
import { frenchDate, type ExportLine, type RoomExport } from './export';
import { fontRuns, type PdfFonts } from './export-fonts';
import { drained } from './backpressure';

export { findFonts } from './export-fonts';

type Style = 'regular' | 'bold' | 'italic';
const INK = '#1a1a1a';
const GREY = '#666666';
const NAVY = '#0f2b5b';
/** Bytes of PDF gathered before a write to the reader. */
const CHUNK = 64 * 1024;

/**
 * Writes a conversation as a PDF with pdfkit: the room's name, its
 * participants and the period it covers, then every message with its date
 * and sender, the message it replies to and its attachments' names. Fonts
 * are embedded (subsets of DejaVu Sans and Symbola, see export-fonts.ts), so
 * accents and emoji show. Pages are flushed as they fill, so the document is
 * never held whole.
 */
export async function writePdf(exp: RoomExport, out: PassThrough, fonts: PdfFonts): Promise<void> {
  const { meta } = exp;
  const w = meta.words;
  const tz = meta.timeZone;
  const doc = new PDFDocument({
    size: 'A4', margin: 50, bufferPages: false, lang: meta.lang,
    info: { Title: meta.title, Creator: 'ipp-chat', CreationDate: meta.exportedAt },
  });
  if (fonts.text) {
    doc.registerFont('regular', fonts.text.regular);
    doc.registerFont('bold', fonts.text.bold);
    doc.registerFont('italic', fonts.text.italic);
  } else {
    doc.registerFont('regular', 'Helvetica');
    doc.registerFont('bold', 'Helvetica-Bold');
    doc.registerFont('italic', 'Helvetica-Oblique');
  }
  if (fonts.emoji) doc.registerFont('emoji', fonts.emoji.font);
  // pdfkit hands over each PDF object apart (a hundred bytes or so): sent as they come, they would cost a write each.
  let pending: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (size && !out.destroyed) out.write(pending.length === 1 ? pending[0] : Buffer.concat(pending, size));
    pending = [];
    size = 0;
  };
  doc.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    size += chunk.length;
    if (size >= CHUNK) flush();
  });
  const ended = once(doc, 'end');

  /** Writes a paragraph in a style, switching to the emoji font where the text font has no glyph. */
  const say = (text: string, style: Style, size: number, color: string, opts: PDFKit.Mixins.TextOptions = {}) => {
    if (!text) return;
    doc.fontSize(size).fillColor(color);
    const runs = fontRuns(text, fonts);
    runs.forEach((r, i) => doc.font(r.font === 'emoji' ? 'emoji' : style).text(r.text, { ...opts, continued: i < runs.length - 1 }));
  };

  say(meta.title, 'bold', 18, NAVY);
  doc.moveDown(0.4);
  const more = meta.participantCount - meta.participants.length;
  say(`${w.participants}${w.colon}${[...meta.participants, ...(more > 0 ? [w.more(more)] : [])].join(', ')}`, 'regular', 10, INK);
  const period = meta.first && meta.last ? w.from(frenchDate(meta.first, tz), frenchDate(meta.last, tz)) : w.noMessages;
  say(`${w.period}${w.colon}${period}`, 'regular', 10, INK);
  say(`${w.exportedAt} ${frenchDate(meta.exportedAt, tz)}. ${w.zoneNote(tz)}`, 'regular', 9, GREY);
  doc.moveDown(0.5);
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  doc.moveTo(left, doc.y).lineTo(right, doc.y).lineWidth(0.5).strokeColor('#b8c4d6').stroke();
  doc.moveDown(0.8);

  for await (const page of exp.pages()) {
    for (const l of page) message(l);
    forgetLayouts(doc);
    await drained(out);
  }
  doc.end();
  await ended;
  flush();
  out.end();

  function message(l: ExportLine) {
    const when = frenchDate(l.at, tz);
    doc.x = left;
    if (l.kind === 'system') {
      say(`${when}  ${l.text}`, 'italic', 9, GREY);
      doc.moveDown(0.5);
      return;
    }
    say(`${when}  ${l.sender}`, 'bold', 9, NAVY);
    if (l.reply) say(`↪ ${w.reply(l.reply.sender, l.reply.excerpt)}`, 'italic', 9, GREY, { indent: 10 });
    if (l.kind === 'deleted') say(l.text, 'italic', 10.5, GREY);
    else say(l.edited ? `${l.text} (${w.edited})` : l.text, 'regular', 10.5, INK);
    if (l.attachments.length) say(`${w.attachments}${w.colon}${l.attachments.join(', ')}`, 'regular', 9, GREY);
    doc.moveDown(0.6);
  }
}

/**
 * pdfkit remembers the layout of every word it set, per font, for the whole
 * document: with 50 000 messages (numbers, names, references) that grows
 * without end. Forgetting it after each page of messages keeps the speed of
 * the cache (words repeat within a page) with bounded memory.
 */
function forgetLayouts(doc: PDFKit.PDFDocument) {
  const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })._fontFamilies ?? {};
  for (const font of Object.values(fonts)) if (font.layoutCache) font.layoutCache = Object.create(null);
}
