import type { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { frenchDate, wallClock, type ExportLine, type RoomExport } from './export';
import { drained } from './backpressure';

/** The date cells' format: French order, whatever the reader's locale (the time zone is said on the second sheet). */
export const DATE_FORMAT = 'dd/mm/yyyy hh:mm';

/** What XML 1.0 cannot carry (control characters, lone surrogates): dropped from cells. */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const xml = (s: string) => s.replace(NOT_XML, '');

/**
 * Writes a conversation as a spreadsheet with exceljs's streaming writer:
 * sheet "Messages", one row per message (date cell, sender, text, reply,
 * attachment names) under a bold frozen header, each row committed as it
 * comes, shared strings off, so the workbook is never held in memory; then a
 * sheet about the conversation (name, participants, period, time zone).
 */
export async function writeXlsx(exp: RoomExport, out: PassThrough): Promise<void> {
  const { meta } = exp;
  const w = meta.words;
  const tz = meta.timeZone;
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'ipp-chat';
  book.created = meta.exportedAt;
  const sheet = book.addWorksheet(w.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }] });
  const wrap = { wrapText: true, vertical: 'top' } as const;
  sheet.columns = [
    { header: w.headers.date, key: 'date', width: 17, style: { numFmt: DATE_FORMAT, alignment: { vertical: 'top' } } },
    { header: w.headers.sender, key: 'sender', width: 24, style: { alignment: { vertical: 'top' } } },
    { header: w.headers.text, key: 'text', width: 80, style: { alignment: wrap } },
    { header: w.headers.reply, key: 'reply', width: 40, style: { alignment: wrap } },
    { header: w.headers.attachments, key: 'attachments', width: 32, style: { alignment: wrap } },
  ];
  sheet.autoFilter = 'A1:E1';
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  header.commit();
  const aside = { italic: true, color: { argb: 'FF666666' } };
  for await (const page of exp.pages()) {
    for (const l of page) {
      const row = sheet.addRow({
        date: wallClock(l.at, tz),
        sender: xml(l.sender),
        text: textCell(l, w.edited, aside),
        reply: l.reply ? xml(w.reply(l.reply.sender, l.reply.excerpt)) : null,
        attachments: l.attachments.length ? xml(l.attachments.join('\n')) : null,
      });
      if (l.kind !== 'message') row.getCell('text').font = aside;
      row.commit();
    }
    await drained(out);
  }
  sheet.commit();

  const about = book.addWorksheet(w.about);
  about.columns = [{ key: 'k', width: 18 }, { key: 'v', width: 90, style: { alignment: { wrapText: true, vertical: 'top' } } }];
  const more = meta.participantCount - meta.participants.length;
  const period = meta.first && meta.last ? w.from(frenchDate(meta.first, tz), frenchDate(meta.last, tz)) : w.noMessages;
  for (const [k, v] of [
    [w.room, meta.title],
    [w.participants, [...meta.participants, ...(more > 0 ? [w.more(more)] : [])].join(', ')],
    [w.period, period],
    [w.timeZone, `${tz} — ${w.zoneNote(tz)}`],
    [w.exportedAt, frenchDate(meta.exportedAt, tz)],
  ]) {
    const row = about.addRow({ k, v: xml(v) });
    row.getCell('k').font = { bold: true };
    row.commit();
  }
  about.commit();
  await book.commit();
}

/** The text of a message; an edited one says so, after it, in grey. */
function textCell(l: ExportLine, edited: string, aside: Partial<ExcelJS.Font>): ExcelJS.CellValue {
  const text = xml(l.text);
  if (!l.edited) return text;
  return { richText: [{ text }, { text: ` (${edited})`, font: aside }] };
}
