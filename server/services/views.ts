import { z } from 'zod';
import { memberRoles, messageTypes, roomTypes } from '../../drizzle/enums';
import type { AttachmentRow, MemberRow, RoomContextRow, RoomRow } from '../storage';
import { problemStatus, type ProblemCode } from './errors';

/**
 * The objects the API answers, as zod schemas (the OpenAPI document is
 * generated from them, and the view types are their outputs), and the pure
 * functions that build them from rows.
 */

const time = z.iso.datetime();

export const user = z.object({
  id: z.number(), name: z.string(), email: z.string().optional(),
  online: z.boolean().describe('Has the chat open somewhere'),
}).meta({ id: 'User' });

export const attachment = z.object({
  id: z.number(), fileName: z.string(), size: z.number(), mimeType: z.string(), extension: z.string(),
  url: z.string(), thumbnailUrl: z.string().optional(),
}).meta({ id: 'Attachment' });

export const systemActions = ['room.created', 'room.renamed', 'member.added', 'member.removed', 'member.left'] as const;

/** What a system message reports: who did what (to whom, or the new name). */
export const systemEvent = z.object({
  action: z.enum(systemActions),
  actorId: z.number(),
  userId: z.number().optional().describe('The member added, removed or leaving'),
  userName: z.string().optional().describe("That member's display name"),
  name: z.string().optional().describe("The room's new name"),
}).meta({ id: 'SystemEvent' });

/** One emoji on a message and who reacted with it, in the order they did. */
export const reaction = z.object({ emoji: z.string(), userIds: z.array(z.number()) }).meta({ id: 'Reaction' });

export const message = z.object({
  id: z.number(), roomId: z.number(), senderId: z.number(), senderName: z.string(),
  content: z.string().describe('The text; `<@ID>` mentions a member, `<@all>` everyone (shown as `@Name`)'),
  type: z.enum(messageTypes),
  replyTo: z.object({ id: z.number(), senderName: z.string(), excerpt: z.string() }).nullable(),
  attachments: z.array(attachment),
  reactions: z.array(reaction).describe('Each emoji with who reacted, in the order they first came'),
  mentions: z.array(z.number()).describe('The members it mentions (every member for an `<@all>` of a room admin or moderator), ids ascending'),
  createdAt: time, editedAt: time.nullable(), deletedAt: time.nullable(),
  clientId: z.string().nullable(),
  system: systemEvent.optional().describe('On a message of type system: what happened (its content is empty)'),
}).meta({ id: 'Message' });

export const member = z.object({
  userId: z.number(), name: z.string(), role: z.enum(memberRoles), joinedAt: time,
  lastReadAt: time.nullable(), lastReadMessageId: z.number().nullable(), muted: z.boolean(),
  online: z.boolean().describe('Has the chat open somewhere'),
  lastSeenAt: time.nullable().describe('When their last feed closed'),
}).meta({ id: 'Member' });

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

export const room = z.object({
  id: z.number(), type: z.enum(roomTypes), name: z.string().nullable(), createdBy: z.number(),
  createdAt: time, updatedAt: time.nullable(), lastMessage: message.nullable(), unreadCount: z.number(),
  mentionCount: z.number().describe('Unread messages that mention the caller (by name or `<@all>`)'),
  memberCount: z.number().describe('How many members the room has'),
  muted: z.boolean(), myRole: z.enum(memberRoles).nullable(),
  lastReadMessageId: z.number().nullable().describe("Where the caller's read marker is: the first unread message is the next one"),
  members: z.array(member).optional().describe('GET /rooms/:id and the answers about one room: its first 100 members by user id (GET /rooms/:id/members pages them all); the room list: a direct room\'s two members'),
  allReadMessageId: z.number().nullable().optional().describe('GET /rooms/:id and the answers about one room: the last message every member has read (null while one of them has read nothing), for read ticks in a room whose members are not all loaded'),
  context: roomContext.optional().describe('The host record the room is tied to, if any.'),
}).meta({ id: 'Room' });

/** A reaction as PUT answers it: the emoji on the message, and everyone who reacted with it now. */
export const reactionState = z.object({
  roomId: z.number(), messageId: z.number(), emoji: z.string(), userIds: z.array(z.number()),
}).meta({ id: 'ReactionState' });

/** A page of a room's members, by user id. */
export const memberPage = z.object({
  members: z.array(member),
  hasMore: z.boolean().describe('More members follow: ask again with `after` the last userId of this page'),
}).meta({ id: 'MemberPage' });

export const readMarker = z.object({ roomId: z.number(), userId: z.number(), messageId: z.number(), readAt: time.nullable() });

export const problem = z.object({
  type: z.string().regex(/^urn:ipp-chat:problem:[a-z-]+$/).describe('urn:ipp-chat:problem:<code>'),
  code: z.enum(Object.keys(problemStatus) as [ProblemCode, ...ProblemCode[]]),
  title: z.string(),
  status: z.number(),
  detail: z.string().describe('For developers and logs, in English: clients word the failure from `code` and `reason`.'),
  reason: z.string().optional().describe('A finer code (docs/api.md lists them), e.g. `content-mismatch` for a 415.'),
  field: z.string().optional(),
  fileName: z.string().optional(),
  extension: z.string().optional(),
  maxBytes: z.number().optional(),
  maxFiles: z.number().optional(),
  maxPixels: z.number().optional(),
  permission: z.string().optional(),
  retryAfter: z.number().optional(),
}).meta({ id: 'Problem' });

export type UserView = z.output<typeof user>;
export type AttachmentView = z.output<typeof attachment>;
export type MessageView = z.output<typeof message>;
export type ReactionView = z.output<typeof reaction>;
export type ReactionStateView = z.output<typeof reactionState>;
export type MemberView = z.output<typeof member>;
export type MemberPageView = z.output<typeof memberPage>;
export type RoomView = z.output<typeof room>;
export type RoomContext = z.output<typeof roomContext>;
export type SystemEvent = z.output<typeof systemEvent>;

/** Database times hold whole seconds: the API answers what a later read will give. */
export const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Someone's presence: whether they have the chat open, and when they last closed it. */
export interface PresenceView {
  online: boolean;
  lastSeenAt: string | null;
}

/** The columns of a member's row that their view shows. */
export type MemberFacts = Pick<MemberRow, 'userId' | 'role' | 'joinedAt' | 'lastReadAt' | 'lastReadMessageId' | 'muted'>;

export const memberView = (m: MemberFacts, name: string, presence: PresenceView = { online: false, lastSeenAt: null }): MemberView => ({
  userId: m.userId,
  name,
  role: m.role,
  joinedAt: m.joinedAt.toISOString(),
  lastReadAt: iso(m.lastReadAt),
  lastReadMessageId: m.lastReadMessageId ?? null,
  muted: m.muted,
  ...presence,
});

export const attachmentView = (a: AttachmentRow): AttachmentView => ({
  id: a.id,
  fileName: a.fileName,
  size: a.fileSize,
  mimeType: a.fileType,
  extension: a.fileExtension,
  url: `/api/chat/attachments/${a.id}`,
  ...(a.thumbnailPath ? { thumbnailUrl: `/api/chat/attachments/${a.id}/thumbnail` } : {}),
});

export const contextView = (c: RoomContextRow): RoomContext => ({
  type: c.contextType, id: c.contextId, label: c.label, ...(c.url ? { url: c.url } : {}),
});

/** A room's own fields, the same for every member: the data of room.created and room.updated. */
export const roomData = (r: RoomRow) => ({
  id: r.id, type: r.type, name: r.name, createdBy: r.createdById, createdAt: r.createdAt.toISOString(), updatedAt: iso(r.updatedAt),
});
