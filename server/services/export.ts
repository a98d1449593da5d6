import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from '../storage';
import { requireMember, type Me } from './access';
import { exportWords, systemText, type ExportWords } from './export-words';
import { toViews } from './message-views';
import { mentionsAsNames, parseMentions } from './mentions';
import { roomViews } from './room-views';
import { nameOf } from './users';
import type { MessageView } from './views';

/** The formats a conversation exports to. */
export const exportFormats = ['xlsx', 'pdf'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The time zone of the dates of an export when the client names none: the company's. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';
/** Messages read from the database at a time: the export holds one page, never the whole room. */
export const EXPORT_PAGE = 500;
/** Participants named in the export's heading (a channel may have thousands: the rest are counted). */
export const PARTICIPANTS_NAMED = 100;

export const contentTypes: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** How to export: the file's format, its language and the time zone of its dates. */
export interface ExportOptions {
  format: ExportFormat;
  lang: 'fr' | 'en';
  timeZone: string;
}

/** One message as the export shows it: what a member reads in the conversation now. */
export interface ExportLine {
  id: number;
  at: Date;
  sender: string;
  /** The text with mentions as @Name; a system message in words; a deleted message's mark. */
  text: string;
  kind: 'message' | 'system' | 'deleted';
  edited: boolean;
  /** The quoted message: its sender, and its excerpt (empty for a deleted one or a file without text). */
  reply: { sender: string; excerpt: string } | null;
  attachments: string[];
}

/** What the file's heading tells. */
export interface ExportMeta {
  roomId: number;
  title: string;
  participants: string[];
  participantCount: number;
  first: Date | null;
  last: Date | null;
  exportedAt: Date;
  lang: 'fr' | 'en';
  timeZone: string;
  words: ExportWords;
}

/** A conversation ready to be written: its heading, and its messages a page at a time. */
export interface RoomExport {
  meta: ExportMeta;
  options: ExportOptions;
  /** `attachment; filename="…"; filename*=UTF-8''…` */
  disposition: string;
  contentType: string;
  /** The messages, oldest first, a page at a time (by id), up to the last one there was when the export began. */
  pages(): AsyncGenerator<ExportLine[]>;
}

/**
 * Prepares the export of a room for a member who may read it (404 for anyone
 * else, as for every room). Nothing is read of the messages yet: `pages()`
 * reads them, a page at a time, when the file is written.
 */
export async function openExport(db: Db, me: Me, roomId: number, options: ExportOptions): Promise<RoomExport> {
  const row = await requireMember(db, me, roomId);
  const { messages, members } = db.t;
  const words = exportWords[options.lang];
  const [[view], first, last, named, [count]] = await Promise.all([
    roomViews(db, me.id, [row]),
    db.orm.select({ id: messages.id, at: messages.createdAt }).from(messages).where(eq(messages.roomId, roomId)).orderBy(asc(messages.id)).limit(1),
    db.orm.select({ id: messages.id, at: messages.createdAt }).from(messages).where(eq(messages.roomId, roomId)).orderBy(desc(messages.id)).limit(1),
    db.orm.select({ userId: members.userId }).from(members).where(eq(members.roomId, roomId))
      .orderBy(asc(members.joinedAt), asc(members.id)).limit(PARTICIPANTS_NAMED),
    db.orm.select({ n: sql<number>`COUNT(*)` }).from(members).where(eq(members.roomId, roomId)),
  ]);
  const people = await db.users.byIds(named.map((m) => m.userId));
  const exportedAt = new Date();
  const title = view.name?.trim() || words.untitled;
  const meta: ExportMeta = {
    roomId, title, lang: options.lang, timeZone: options.timeZone, words, exportedAt,
    participants: named.map((m) => nameOf(people, m.userId)),
    participantCount: Number(count?.n ?? named.length),
    first: first[0]?.at ?? null,
    last: last[0]?.at ?? null,
  };
  const day = wallParts(exportedAt, options.timeZone);
  const stamp = `${day.year}-${day.month}-${day.day}`;
  const fileName = { ascii: `${slug(title)}-${stamp}.${options.format}`, full: `${cleanName(title)} ${stamp}.${options.format}` };
  const upTo = last[0]?.id ?? 0;
  return {
    meta, options,
    contentType: contentTypes[options.format],
    disposition: `attachment; filename="${fileName.ascii}"; filename*=UTF-8''${rfc5987(fileName.full)}`,
    pages: () => readPages(db, roomId, upTo, words),
  };
}

async function* readPages(db: Db, roomId: number, upTo: number, words: ExportWords): AsyncGenerator<ExportLine[]> {
  const { messages } = db.t;
  const names = new Map<number, string>();
  let after = 0;
  while (after < upTo) {
    const rows = await db.orm.select().from(messages)
      .where(and(eq(messages.roomId, roomId), gt(messages.id, after), lte(messages.id, upTo)))
      .orderBy(asc(messages.id)).limit(EXPORT_PAGE);
    if (!rows.length) return;
    after = rows[rows.length - 1].id;
    const views = await toViews(db, rows);
    await learnNames(db, names, views);
    yield views.map((m) => line(m, names, words));
  }
}

/** Adds to `names` whoever the page's texts and quotes mention (one query for those not known yet). */
async function learnNames(db: Db, names: Map<number, string>, views: MessageView[]): Promise<void> {
  const wanted = new Set<number>();
  for (const m of views) {
    for (const text of [m.content, m.replyTo?.excerpt ?? '']) for (const id of parseMentions(text).ids) if (!names.has(id)) wanted.add(id);
  }
  if (!wanted.size) return;
  const found = await db.users.byIds(wanted);
  for (const id of wanted) names.set(id, nameOf(found, id));
}

/** A message as a member reads it (widget/mention-text.ts): mentions that took effect as @Name, the others as written. */
function line(m: MessageView, names: Map<number, string>, w: ExportWords): ExportLine {
  const at = new Date(m.createdAt);
  const base = { id: m.id, at, sender: m.senderName, edited: !!m.editedAt && !m.deletedAt, attachments: m.attachments.map((a) => a.fileName) };
  const name = (id: number) => names.get(id) ?? `#${id}`;
  // A quote keeps no list of whom it mentions: every <@…> in it reads as a name.
  const reply = m.replyTo ? { sender: m.replyTo.senderName, excerpt: mentionsAsNames(m.replyTo.excerpt, null, name, w.everyone) } : null;
  if (m.system) return { ...base, kind: 'system', text: systemText(w, m.senderName, m.system), reply: null };
  if (m.deletedAt) return { ...base, kind: 'deleted', text: w.deleted, reply, attachments: [] };
  return { ...base, kind: 'message', text: mentionsAsNames(m.content, m.mentions, name, w.everyone), reply };
}

/** The fields of a moment's wall-clock time in a time zone, two digits each (four for the year). */
export function wallParts(d: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const parts = formatter(timeZone).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of a moment in a time zone, as a Date whose UTC fields hold it (what a spreadsheet cell shows). */
export function wallClock(d: Date, timeZone: string): Date {
  const p = wallParts(d, timeZone);
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second));
}

/** dd/mm/yyyy hh:mm in a time zone. */
export function frenchDate(d: Date, timeZone: string): string {
  const p = wallParts(d, timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** A file name's ASCII form: the room's name without accents, lower case, words joined by dashes. */
export function slug(name: string): string {
  const s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
    .replace(/-+$/, '');
  return s || 'conversation';
}

/** The room's name as a file name: no path separators, quotes or control characters, 100 characters at most. */
const cleanName = (name: string) => name.replace(/[\x00-\x1f\x7f/\\:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100) || 'conversation';

/** RFC 5987 value characters: everything else percent-encoded as UTF-8. */
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
