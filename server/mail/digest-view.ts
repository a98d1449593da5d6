import { inArray } from 'drizzle-orm';
import type { MailConfig } from '../env';
import type { Db } from '../storage';
import type { Mailbox } from '../storage/users';
import type { Notice } from '../services/digest';
import { mentionsAsNames, mentionsOf } from '../services/mentions';
import { directPeer } from '../services/room-views';
import { nameOf } from '../services/users';
import type { Digest, DigestRoom } from './compose';
import { unsubscribeToken } from './links';
import { mailLang, wordsOf } from './strings';

/** An e-mail lists this many rooms at most (the most recent), each with its latest messages. */
export const ROOMS_SHOWN = 10;
export const MESSAGES_SHOWN = 3;
/** A quoted message is cut past this many characters. */
const TEXT_MAX = 500;

/** One user's e-mail to be: whom to, and which messages. */
export interface DigestTask {
  mailbox: Mailbox;
  mode: 'mentions' | 'all';
  notices: Notice[];
}

/**
 * The digests of several users, read in a fixed number of queries: the rooms,
 * the latest messages of each room, their mentions and the names they need.
 */
export async function buildDigests(db: Db, mail: MailConfig, tasks: DigestTask[], now: Date): Promise<Digest[]> {
  const { rooms, messages } = db.t;
  // Per task, its rooms most recent first, and the messages each shows.
  const plans = tasks.map((task) => {
    const byRoom = new Map<number, Notice[]>();
    for (const n of task.notices) byRoom.get(n.roomId)?.push(n) ?? byRoom.set(n.roomId, [n]);
    const ordered = [...byRoom.entries()].sort((a, b) => b[1].at(-1)!.messageId - a[1].at(-1)!.messageId);
    return { task, shown: ordered.slice(0, ROOMS_SHOWN), more: Math.max(0, ordered.length - ROOMS_SHOWN) };
  });
  const roomIds = [...new Set(plans.flatMap((p) => p.shown.map(([id]) => id)))];
  const messageIds = [...new Set(plans.flatMap((p) => p.shown.flatMap(([, list]) => list.slice(-MESSAGES_SHOWN).map((n) => n.messageId))))];
  const [roomRows, messageRows, mentioned] = await Promise.all([
    roomIds.length ? db.orm.select().from(rooms).where(inArray(rooms.id, roomIds)) : [],
    messageIds.length ? db.orm.select().from(messages).where(inArray(messages.id, messageIds)) : [],
    mentionsOf(db, messageIds),
  ]);
  const roomById = new Map(roomRows.map((r) => [r.id, r]));
  const messageById = new Map(messageRows.map((m) => [m.id, m]));
  const people = new Set<number>();
  for (const m of messageRows) {
    people.add(m.senderId);
    for (const id of mentioned.get(m.id) ?? []) people.add(id);
  }
  for (const p of plans) for (const [id] of p.shown) {
    const peer = roomById.get(id) && directPeer(roomById.get(id)!, p.task.mailbox.id);
    if (peer) people.add(peer);
  }
  const names = await db.users.byIds(people);

  return Promise.all(plans.map(async ({ task, shown, more }) => {
    const lang = mailLang(task.mailbox.lang, mail.lang);
    const w = wordsOf(lang);
    const digestRooms: DigestRoom[] = shown.map(([roomId, list]) => {
      const room = roomById.get(roomId);
      const peer = room ? directPeer(room, task.mailbox.id) : null;
      return {
        roomId,
        name: peer != null ? nameOf(names, peer) : room?.name ?? `#${roomId}`,
        count: list.length,
        latest: list.slice(-MESSAGES_SHOWN).flatMap((n) => {
          const m = messageById.get(n.messageId);
          if (!m) return [];
          const text = mentionsAsNames(m.content, mentioned.get(m.id) ?? [], (id) => nameOf(names, id), w.everyone);
          const cut = [...text].length > TEXT_MAX ? `${[...text].slice(0, TEXT_MAX).join('')}…` : text;
          return [{ senderName: nameOf(names, m.senderId), text: cut.trim() || `📎 ${w.attachment}`, at: m.createdAt }];
        }),
      };
    });
    const token = await unsubscribeToken(mail.linkKey, task.mailbox.id, lang, now);
    return {
      name: task.mailbox.name, lang, mode: task.mode, rooms: digestRooms, moreRooms: more, appUrl: mail.appUrl,
      unsubscribeUrl: `${mail.publicUrl}/api/chat/unsubscribe/${token}`, timeZone: mail.timeZone,
    } satisfies Digest;
  }));
}
