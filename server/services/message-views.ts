import { asc, inArray } from 'drizzle-orm';
import type { AttachmentRow, Db, MessageRow } from '../storage';
import type { HostUser } from '../storage/users';
import { mentionsOf } from './mentions';
import { reactionsOf } from './reactions';
import { nameOf } from './users';
import { attachmentView, iso, type MessageView, type SystemEvent } from './views';

/** What a message just sent has, known without asking: no reactions, and the mentions saved with it. */
export interface Fresh {
  mentions: number[];
}

/**
 * Turns rows into views with five queries, however many rows: names (but
 * those `known`), replies, attachments, reactions and mentions (these two
 * not for a message `fresh` from this transaction).
 */
export async function toViews(db: Db, rows: MessageRow[], known: HostUser[] = [], fresh?: Fresh): Promise<MessageView[]> {
  if (!rows.length) return [];
  const { messages, attachments } = db.t;
  const replyIds = [...new Set(rows.map((r) => r.replyToId).filter((id): id is number => id != null))];
  // Only messages of type file carry attachments (sendMessage sets the type from the files).
  const withFiles = rows.filter((r) => r.type === 'file').map((r) => r.id);
  // A deleted or system message has neither reactions nor mentions (a deletion removes them).
  const live = fresh ? [] : rows.filter((r) => !r.isDeleted && r.type !== 'system').map((r) => r.id);
  const [replies, files, reactions, mentions] = await Promise.all([
    replyIds.length ? db.orm.select().from(messages).where(inArray(messages.id, replyIds)) : [],
    withFiles.length ? db.orm.select().from(attachments).where(inArray(attachments.messageId, withFiles)).orderBy(asc(attachments.id)) : [],
    reactionsOf(db, live),
    mentionsOf(db, live),
  ]);
  const names = new Map(known.map((u) => [u.id, u]));
  const systems = new Map(rows.filter((r) => r.systemData).map((r) => [r.id, JSON.parse(r.systemData!) as SystemEvent]));
  const people = [...[...rows, ...replies].map((r) => r.senderId), ...[...systems.values()].flatMap((s) => (s.userId ? [s.userId] : []))];
  const missing = people.filter((id) => !names.has(id));
  for (const [id, u] of await db.users.byIds(missing)) names.set(id, u);
  const replyById = new Map(replies.map((r) => [r.id, r]));
  // (Map.groupBy is not in Node 20.)
  const filesOf = new Map<number, AttachmentRow[]>();
  for (const f of files) filesOf.get(f.messageId)?.push(f) ?? filesOf.set(f.messageId, [f]);
  return rows.map((m) => {
    const reply = m.replyToId != null ? replyById.get(m.replyToId) : undefined;
    return {
      id: m.id,
      roomId: m.roomId,
      senderId: m.senderId,
      senderName: nameOf(names, m.senderId),
      content: m.content,
      type: m.type,
      replyTo: reply ? { id: reply.id, senderName: nameOf(names, reply.senderId), excerpt: excerpt(reply) } : null,
      attachments: (filesOf.get(m.id) ?? []).map(attachmentView),
      reactions: reactions.get(m.id) ?? [],
      mentions: fresh?.mentions ?? mentions.get(m.id) ?? [],
      createdAt: m.createdAt.toISOString(),
      editedAt: iso(m.editedAt),
      deletedAt: iso(m.deletedAt),
      clientId: m.clientId ?? null,
      ...(systems.has(m.id) ? { system: systemView(systems.get(m.id)!, names) } : {}),
    };
  });
}

const systemView = (s: SystemEvent, names: Map<number, HostUser>): SystemEvent =>
  (s.userId ? { ...s, userName: nameOf(names, s.userId) } : s);

const excerpt = (m: MessageRow) => (m.isDeleted ? '' : m.content.length > 120 ? `${m.content.slice(0, 119)}…` : m.content);
