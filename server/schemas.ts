import { z } from 'zod';
import { memberRoles, messageTypes, roomTypes } from '../drizzle/mysql';
import { MAX_CONTENT, PAGE_MAX } from './services/messages';

/**
 * The zod schemas of the API: the validators of the routes use them, and
 * /openapi.json is generated from them, so the two cannot drift apart.
 */

const idString = z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id').transform(Number);
export const roomParam = z.object({ id: idString });
export const memberParam = z.object({ id: idString, userId: idString });
export const idNumber = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const roomsQuery = z.object({
  filter: z.enum(['all', 'unread', 'group', 'direct']).default('all'),
  q: z.string().max(200).optional(),
});
export const usersQuery = z.object({
  q: z.string().max(200).default(''),
  limit: z.string().regex(/^[0-9]{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(100)).default(20),
});
export const messagesQuery = z.object({
  before: idString.optional(),
  after: idString.optional(),
  limit: z.string().regex(/^[0-9]{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(PAGE_MAX)).optional(),
});
export const searchQuery = z.object({
  q: z.string().min(1).max(200),
  roomId: idString.optional(),
});

/** A path of the host app ("/factures/2025-0042", not "//host") or an absolute http(s) URL: never javascript: or data:. */
export const contextUrl = z.string().max(500).refine((u) => {
  if (/[\s\\\x00-\x1f\x7f]/.test(u)) return false;
  if (/^\/(?![\/\\])/.test(u)) return true;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}, 'must be a path starting with / or an http(s) URL');
/** The host record a group room is about: `{type: "invoice", id: "2025-0042", label: "Facture 2025-0042", url}`. */
export const roomContext = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_.-]{0,49}$/, 'must be 1 to 50 lower-case letters, digits or _.- (starting with a letter)'),
  id: z.string().regex(/^[\p{L}\p{N}._:\/#-]{1,100}$/u, 'must be 1 to 100 letters, digits or ._:/#-'),
  label: z.string().trim().min(1).max(200),
  url: contextUrl.optional(),
}).meta({ id: 'RoomContext' });

export const createRoomBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('direct'), userId: idNumber }),
  z.strictObject({
    type: z.literal('group'),
    name: z.string().max(200),
    memberIds: z.array(idNumber).max(500).default([]),
    context: roomContext.optional().describe('Ties the group to a host record: the existing room of that record is answered (200) when the caller is a member of it, 404 when not.'),
  }),
  z.strictObject({
    type: z.literal('channel'),
    name: z.string().max(200),
    memberIds: z.array(idNumber).max(500).default([]),
  }),
]);
export const renameBody = z.strictObject({ name: z.string().max(200) });
export const addMemberBody = z.strictObject({ userId: idNumber, role: z.enum(memberRoles).optional() });
export const roleBody = z.strictObject({ role: z.enum(memberRoles) });
export const muteBody = z.strictObject({ muted: z.boolean() });
export const readBody = z.strictObject({ messageId: idNumber });
export const clientId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1 to 64 letters, digits or ._:-');
export const sendBody = z.strictObject({
  content: z.string().max(MAX_CONTENT),
  clientId,
  replyToId: idNumber.optional(),
});
/** The text fields of a multipart send (the files come in `files`). */
export const sendFields = z.strictObject({
  content: z.string().max(MAX_CONTENT).default(''),
  clientId,
  replyToId: idString.optional(),
});
export const sendMultipart = z.object({
  content: z.string().optional(), clientId: z.string(), replyToId: z.string().optional(),
  files: z.array(z.string().meta({ format: 'binary' })).min(1).max(10),
});
export const editBody = z.strictObject({ content: z.string().max(MAX_CONTENT) });

// Response objects, for the OpenAPI document.
const time = z.iso.datetime();
export const user = z.object({ id: z.number(), name: z.string(), email: z.string().optional() }).meta({ id: 'User' });
export const attachment = z.object({
  id: z.number(), fileName: z.string(), size: z.number(), mimeType: z.string(), extension: z.string(),
  url: z.string(), thumbnailUrl: z.string().optional(),
}).meta({ id: 'Attachment' });
export const message = z.object({
  id: z.number(), roomId: z.number(), senderId: z.number(), senderName: z.string(), content: z.string(),
  type: z.enum(messageTypes),
  replyTo: z.object({ id: z.number(), senderName: z.string(), excerpt: z.string() }).nullable(),
  attachments: z.array(attachment), createdAt: time, editedAt: time.nullable(), deletedAt: time.nullable(),
  clientId: z.string().nullable(),
}).meta({ id: 'Message' });
export const member = z.object({
  userId: z.number(), name: z.string(), role: z.enum(memberRoles), joinedAt: time,
  lastReadAt: time.nullable(), lastReadMessageId: z.number().nullable(), muted: z.boolean(),
}).meta({ id: 'Member' });
export const room = z.object({
  id: z.number(), type: z.enum(roomTypes), name: z.string().nullable(), createdBy: z.number(),
  createdAt: time, updatedAt: time.nullable(), lastMessage: message.nullable(), unreadCount: z.number(),
  muted: z.boolean(), myRole: z.enum(memberRoles).nullable(), members: z.array(member).optional(),
  context: roomContext.optional().describe('The host record the room is tied to, if any.'),
}).meta({ id: 'Room' });
export const readMarker = z.object({ roomId: z.number(), userId: z.number(), messageId: z.number(), readAt: time.nullable() });
export const problem = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() }).meta({ id: 'Problem' });

/** The objects of the API as the server answers them (one definition: these schemas). */
export type UserView = z.output<typeof user>;
export type AttachmentView = z.output<typeof attachment>;
export type MessageView = z.output<typeof message>;
export type MemberView = z.output<typeof member>;
export type RoomView = z.output<typeof room>;
export type RoomContext = z.output<typeof roomContext>;
