import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { notFound } from './errors';
import { requirePerm, type Me } from './access';
import type { Db } from '../storage';
import type { StagedFile } from './uploads';
import { now } from './views';

/** Where a message's files live: UPLOAD_DIR/{room_id}/{message_id}/. */
export const messageDir = (uploadDir: string, roomId: number, messageId: number) =>
  join(uploadDir, String(roomId), String(messageId));

/**
 * Inside the message's transaction: one row per file and the staged files
 * moved to `{room}/{message}/{uuid}.{ext}` (thumbnails under `thumbnails/`).
 * If the transaction then fails, the caller removes messageDir.
 */
export async function placeFiles(tx: Db, uploadDir: string, roomId: number, messageId: number, files: StagedFile[]) {
  const dir = messageDir(uploadDir, roomId, messageId);
  await mkdir(join(dir, 'thumbnails'), { recursive: true });
  for (const f of files) {
    const id = randomUUID();
    const filePath = `${roomId}/${messageId}/${id}.${f.extension}`;
    const thumbnailPath = f.thumbnailPath ? `${roomId}/${messageId}/thumbnails/${id}.webp` : null;
    await rename(f.path, join(uploadDir, filePath));
    if (f.thumbnailPath && thumbnailPath) await rename(f.thumbnailPath, join(uploadDir, thumbnailPath));
    await tx.insert(tx.t.attachments, {
      messageId, fileName: f.fileName, filePath, fileSize: f.size, fileType: f.mimeType,
      fileExtension: f.extension, thumbnailPath, createdAt: now(),
    });
  }
}

/** Removes a message's files, or a whole room's when messageId is left out. */
export async function removeFiles(uploadDir: string, roomId: number, messageId?: number) {
  const dir = messageId === undefined ? join(uploadDir, String(roomId)) : messageDir(uploadDir, roomId, messageId);
  await rm(dir, { recursive: true, force: true });
}

/** An attachment and the absolute path of its file (or thumbnail), for a member of its room only. */
export async function attachmentForMember(db: Db, me: Me, uploadDir: string, id: number, thumbnail = false) {
  const { attachments, messages, members } = db.t;
  // One query: the attachment, only if the caller is a member of its message's room (else the same 404).
  const [row] = await db.orm.select({ a: attachments }).from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .innerJoin(members, and(eq(members.roomId, messages.roomId), eq(members.userId, me.id)))
    .where(eq(attachments.id, id));
  if (!row) throw notFound('attachment');
  requirePerm(me, 'chat.read');
  const rel = thumbnail ? row.a.thumbnailPath : row.a.filePath;
  if (!rel) throw notFound('thumbnail');
  // Paths come from our own rows, but a path leaving UPLOAD_DIR is never served.
  const root = resolve(uploadDir);
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) throw notFound('attachment');
  return { attachment: row.a, path };
}
