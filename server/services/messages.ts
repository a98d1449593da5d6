import { rm } from 'node:fs/promises';
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { badRequest, conflict, forbidden, notFound } from './errors';
import type { Db, MessageRow } from '../storage';
import { canModerate, messageById, messageForMember, requireMember, requirePerm, requirePermIn, type Me } from './access';
import { now, type MessageView } from './views';
import { toViews } from './message-views';
import { messagesWithEvents, recordEvents, rewriteMessageEvents } from '../events/outbox';
import { messageDir, placeFiles, removeFiles } from './attachments';
import { saveMentions } from './mentions';
import { dropReactions } from './reactions';
import { withUpload, type StagedFile, type UploadLimits } from './uploads';
import type { Readable } from 'node:stream';

export const MAX_CONTENT = 10_000;
export const PAGE_DEFAULT = 50;
export const PAGE_MAX = 100;

/** Which page of a room: before a message (default: the latest), after one, or around one. */
export interface PageQuery {
  before?: number;
  after?: number;
  around?: number;
  limit?: number;
}

/**
 * A page of a room's messages, oldest first: before a cursor (default: the
 * latest), after one, or around one (that message near the middle, with
 * `hasNewer` telling whether more come after it).
 */
export async function listMessages(db: Db, me: Me, roomId: number, page: PageQuery) {
  await requireMember(db, me, roomId);
  const { messages } = db.t;
  const limit = Math.min(page.limit ?? PAGE_DEFAULT, PAGE_MAX);
  if (page.around !== undefined) return pageAround(db, roomId, page.around, limit);
  const forward = page.after !== undefined;
  const rows = await db.orm.select().from(messages)
    .where(and(
      eq(messages.roomId, roomId),
      page.after !== undefined ? gt(messages.id, page.after) : undefined,
      page.before !== undefined ? lt(messages.id, page.before) : undefined,
    ))
    .orderBy(forward ? asc(messages.id) : desc(messages.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  if (!forward) pageRows.reverse();
  return { messages: await toViews(db, pageRows), hasMore };
}

async function pageAround(db: Db, roomId: number, around: number, limit: number) {
  const target = await messageById(db, around);
  if (!target || target.roomId !== roomId) throw notFound('message');
  const { messages } = db.t;
  const olderWanted = Math.floor((limit - 1) / 2);
  const newerWanted = limit - 1 - olderWanted;
  const [older, newer] = await Promise.all([
    db.orm.select().from(messages).where(and(eq(messages.roomId, roomId), lt(messages.id, around))).orderBy(desc(messages.id)).limit(olderWanted + 1),
    db.orm.select().from(messages).where(and(eq(messages.roomId, roomId), gt(messages.id, around))).orderBy(asc(messages.id)).limit(newerWanted + 1),
  ]);
  const rows = [...older.slice(0, olderWanted).reverse(), target, ...newer.slice(0, newerWanted)];
  return { messages: await toViews(db, rows), hasMore: older.length > olderWanted, hasNewer: newer.length > newerWanted };
}

export interface SendInput {
  content: string;
  clientId: string;
  replyToId?: number;
}

/** Files that come with a message, staged by receiveUpload, and where they go. */
export interface SendFiles {
  files: StagedFile[];
  uploadDir: string;
}

/**
 * Sends a message. The room row is locked for the transaction, so a room's
 * message ids follow the order of commits, and a repeated clientId from the
 * same sender finds the first message instead of creating another.
 */
export async function sendMessage(
  db: Db, me: Me, roomId: number, input: SendInput, upload?: SendFiles,
): Promise<{ message: MessageView; created: boolean }> {
  await requirePermIn(db, me, roomId, 'chat.create');
  const files = upload?.files ?? [];
  // A message of files may have no text.
  const content = files.length && !input.content.trim() ? '' : checkContent(input.content);
  let placedIn: string | undefined;
  const send = () => db.transaction(async (tx) => {
    const target = input.replyToId === undefined ? undefined : await messageById(tx, input.replyToId);
    const badReply = input.replyToId !== undefined && (target?.roomId !== roomId || target.type === 'system');
    const at = now();
    const values = {
      roomId, senderId: me.id, content, type: files.length ? 'file' as const : 'text' as const,
      replyToId: badReply ? null : input.replyToId ?? null, clientId: input.clientId, createdAt: at,
    };
    // Under the room's lock, so that a room's message ids follow commit order: one statement on MySQL.
    // A clientId already sent fails the insert on its unique key: the catch below answers with the first message.
    const id = await tx.insertLocked(tx.t.messages, values, { table: tx.t.rooms, id: roomId });
    // Only a member's message stays (checked under the lock: no send after a removal).
    if (id === null || !(await markSent(tx, roomId, me.id, id, at))) throw notFound('room');
    // Told only once the caller is known to be a member: nobody else learns where a message is.
    if (badReply) throw badRequest('replyToId is not a message of this room.', { reason: 'reply-elsewhere', field: 'replyToId' });
    // The row as stored (times hold whole seconds), without reading it back.
    const row: MessageRow = { ...values, id, isEdited: false, editedAt: null, isDeleted: false, deletedAt: null, systemData: null };
    if (upload && files.length) {
      placedIn = messageDir(upload.uploadDir, roomId, id);
      await placeFiles(tx, upload.uploadDir, roomId, id, files);
    }
    const [view] = await toViews(tx, [row], [me], { mentions: await saveMentions(tx, row) });
    await recordEvents(tx, [{ roomId, type: 'message.created', data: view, messageId: id }]);
    return { id, created: true, roomId, view };
  });
  let result: { id: number; created: boolean; roomId: number; view?: MessageView };
  try {
    result = await send();
  } catch (err) {
    // Nothing of a failed send stays on disk.
    if (placedIn) await rm(placedIn, { recursive: true, force: true });
    // Two first sends of one clientId raced across rooms: the loser reads the winner.
    if (!db.isUniqueViolation(err)) throw err;
    const existing = await byClientId(db, me.id, input.clientId);
    if (!existing) throw err;
    // A repeated clientId tells a non-member nothing of the room, not even that it exists.
    await requireMember(db, me, roomId);
    result = { id: existing.id, created: false, roomId: existing.roomId };
  }
  if (result.roomId !== roomId) throw conflict('This clientId was already used for a message of another room.', 'client-id-reused');
  const message = result.view ?? (await toViews(db, [(await messageById(db, result.id))!]))[0];
  return { message, created: result.created };
}

/** A multipart body to send as a message with files: the Node stream, its Content-Type and the limits it must keep. */
export interface UploadBody {
  body: Readable;
  contentType: string;
  limits: UploadLimits;
}

/**
 * Sends a message with files: the body is received only from a member who
 * may send (nobody else gets a byte stored), its fields are read by
 * `readFields` (the route's validator), and its files are staged, checked
 * and moved in with the message, or dropped.
 */
export async function sendWithFiles(
  db: Db, me: Me, roomId: number, uploadDir: string, upload: UploadBody, readFields: (fields: Record<string, string>) => Promise<SendInput>,
): Promise<{ message: MessageView; created: boolean }> {
  await requireMember(db, me, roomId);
  requirePerm(me, 'chat.create');
  return withUpload(upload.body, upload.contentType, uploadDir, upload.limits, async ({ fields, files }) =>
    sendMessage(db, me, roomId, await readFields(fields), { files, uploadDir }));
}

/** The room's last message is this one, and its sender has read it; false when the sender is not a member. */
async function markSent(tx: Db, roomId: number, senderId: number, id: number, at: Date): Promise<boolean> {
  const { rooms, members } = tx.t;
  if (tx.dialect === 'mysql') {
    // Both rows in one statement, a round trip less on every send (the room's row is already locked).
    const both = await tx.orm.execute(sql`UPDATE ${rooms} JOIN ${members} ON ${members.roomId} = ${rooms.id} AND ${members.userId} = ${senderId}
      SET ${rooms.lastMessageId} = ${id}, ${rooms.updatedAt} = ${at}, ${members.lastReadMessageId} = ${id}, ${members.lastReadAt} = ${at}
      WHERE ${rooms.id} = ${roomId}`);
    return tx.affected(both) > 0;
  }
  const read = await tx.orm.update(members).set({ lastReadMessageId: id, lastReadAt: at })
    .where(and(eq(members.roomId, roomId), eq(members.userId, senderId)));
  if (!tx.affected(read)) return false;
  await tx.orm.update(rooms).set({ lastMessageId: id, updatedAt: at }).where(eq(rooms.id, roomId));
  return true;
}

/** The message a sender already sent with this clientId (an idempotency key), if any. */
export async function byClientId(db: Db, senderId: number, clientId: string) {
  const { messages } = db.t;
  const [row] = await db.orm.select().from(messages).where(and(eq(messages.senderId, senderId), eq(messages.clientId, clientId)));
  return row;
}

function checkContent(content: string): string {
  if (!content.trim()) throw badRequest('content must not be empty.', { reason: 'empty-message', field: 'content' });
  if (content.length > MAX_CONTENT) throw badRequest(`content must be at most ${MAX_CONTENT} characters.`, { reason: 'too-long', field: 'content' });
  return content;
}

/** Edits the caller's own message. */
export async function editMessage(db: Db, me: Me, messageId: number, content: string): Promise<MessageView> {
  const { message } = await messageForMember(db, me, messageId);
  requirePerm(me, 'chat.update');
  if (message.type === 'system') throw conflict('A system message cannot be edited.', 'system-message');
  if (message.senderId !== me.id) throw forbidden('Only its sender can edit a message.', { reason: 'not-sender' });
  if (message.isDeleted) throw conflict('A deleted message cannot be edited.', 'message-deleted');
  const text = checkContent(content);
  return db.transaction(async (tx) => {
    await tx.orm.update(tx.t.messages).set({ content: text, isEdited: true, editedAt: now() }).where(eq(tx.t.messages.id, messageId));
    await saveMentions(tx, { ...message, content: text }, true);
    const [view] = await toViews(tx, [(await messageById(tx, messageId))!]);
    await rewriteHistory(tx, view);
    await recordEvents(tx, [{ roomId: message.roomId, type: 'message.updated', data: view, messageId }]);
    return view;
  });
}

/**
 * Soft-deletes a message: its sender or a moderator or admin of the room,
 * with chat.delete either way (a room role never grants what the token
 * lacks). Content is emptied, attachment rows removed, and their files under
 * `uploadDir` once that is committed.
 */
export async function deleteMessage(db: Db, me: Me, messageId: number, uploadDir: string): Promise<MessageView> {
  const { message, member } = await messageForMember(db, me, messageId);
  requirePerm(me, 'chat.delete');
  if (message.type === 'system') throw conflict('A system message cannot be deleted.', 'system-message');
  if (message.senderId !== me.id && !canModerate(member)) throw forbidden('Only its sender or a moderator can delete a message.', { reason: 'not-sender' });
  const view = await db.transaction(async (tx) => {
    const { messages, attachments, mentions } = tx.t;
    // As a reaction locks it: none is added to the message meanwhile.
    await tx.lockRoom(message.roomId);
    await tx.orm.delete(attachments).where(eq(attachments.messageId, messageId));
    await tx.orm.delete(mentions).where(eq(mentions.messageId, messageId));
    await dropReactions(tx, messageId);
    await tx.orm.update(messages).set({ content: '', isDeleted: true, deletedAt: message.deletedAt ?? now() })
      .where(eq(messages.id, messageId));
    const [view] = await toViews(tx, [(await messageById(tx, messageId))!]);
    await rewriteHistory(tx, view);
    await recordEvents(tx, [{ roomId: message.roomId, type: 'message.deleted', data: view, messageId }]);
    return view;
  });
  if (message.type === 'file') await removeFiles(uploadDir, message.roomId, messageId);
  return view;
}

/**
 * In an edit's or a deletion's transaction: the kept events of the message,
 * and of the replies quoting it, are rewritten with what they show now, so a
 * replay never brings back an earlier text or a deleted file's name.
 */
async function rewriteHistory(tx: Db, view: MessageView): Promise<void> {
  const { messages } = tx.t;
  const replies = await tx.orm.select({ id: messages.id }).from(messages).where(eq(messages.replyToId, view.id));
  const quoting = await messagesWithEvents(tx, replies.map((r) => r.id));
  const rows = quoting.length ? await tx.orm.select().from(messages).where(inArray(messages.id, quoting)) : [];
  const views = new Map<number, unknown>([[view.id, view]]);
  for (const v of await toViews(tx, rows)) views.set(v.id, v);
  await rewriteMessageEvents(tx, views);
}
