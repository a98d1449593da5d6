/**
 * Objects of the REST API (docs/api.md and /openapi.json) as the widget holds them. Ids are numbers, times ISO 8601 strings.
 * Looser than the server's (server/schemas.ts): a message still on its way has no server fields yet.
 */

export type Perm = 'chat.read' | 'chat.create' | 'chat.update' | 'chat.delete' | 'chat.manage_rooms';
export type RoomType = 'direct' | 'group' | 'channel';
export type Role = 'admin' | 'moderator' | 'member';

export interface User {
  id: number;
  name: string;
  email?: string;
  /** Has the chat open somewhere. */
  online?: boolean;
}

export interface Me {
  user: User;
  perms: Perm[];
}

export interface Member {
  userId: number;
  name: string;
  role: Role;
  joinedAt: string;
  lastReadAt: string | null;
  lastReadMessageId: number | null;
  muted: boolean;
  online?: boolean;
  lastSeenAt?: string | null;
}

export interface Attachment {
  id: number;
  fileName: string;
  size: number;
  mimeType: string;
  extension: string;
  url: string;
  thumbnailUrl?: string | null;
}

export interface Message {
  id: number;
  roomId: number;
  senderId: number;
  senderName: string;
  content: string;
  type: string;
  replyTo?: { id: number; senderName: string; excerpt: string } | null;
  attachments: Attachment[];
  createdAt: string;
  editedAt?: string | null;
  deletedAt?: string | null;
  clientId?: string | null;
  /** On a system message: what happened to the room. */
  system?: SystemEvent;
  /** Each emoji with who reacted, in the order they first came. */
  reactions?: Reaction[];
  /** Whom it mentions (`<@ID>`, or everyone for an `<@all>` of a moderator). */
  mentions?: number[];
}

/** One emoji on a message, and who reacted with it. */
export interface Reaction {
  emoji: string;
  userIds: number[];
}

/** The data of `reaction.added` and `reaction.removed`. */
export interface ReactionEvent {
  roomId: number;
  messageId: number;
  emoji: string;
  userId: number;
}

/** What a system message tells: `actorId` created or renamed the room, added, removed `userId`, or left. */
export interface SystemEvent {
  action: 'room.created' | 'room.renamed' | 'member.added' | 'member.removed' | 'member.left';
  actorId: number;
  userId?: number;
  userName?: string;
  name?: string;
}

/** Someone's presence: whether they have the chat open, and since when they have not. */
export interface Presence {
  online: boolean;
  lastSeenAt: string | null;
}

export interface Room {
  id: number;
  type: RoomType;
  name: string | null;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  members?: Member[];
  lastMessage?: Message | null;
  unreadCount: number;
  /** Unread messages that mention me. */
  mentionCount?: number;
  memberCount?: number;
  /** GET /rooms/:id: the last message every member has read (null while one has read nothing). */
  allReadMessageId?: number | null;
  muted: boolean;
  myRole: Role;
  /** My read marker: the first unread message comes after it. */
  lastReadMessageId?: number | null;
  /** The host record the room is tied to. */
  context?: RoomContext;
}

/** A record of the host app (`<ipp-chat context-type context-id context-label context-url>`). */
export interface RoomContext {
  type: string;
  id: string;
  label: string;
  /** The record's page: a path of the host app or an http(s) URL. */
  url?: string;
}

/** A message as the widget holds it: a server message, or a local one still on its way. */
export interface ChatMessage extends Message {
  /** Set while the message is not confirmed by the server. */
  status?: 'sending' | 'failed';
  /** Upload progress, 0 to 1, for a pending message with files. */
  progress?: number;
  /** Files of a pending message, kept for a retry. */
  files?: File[];
}

/** One event of the SSE feed (docs/api.md, The feed). */
export interface ChatEvent {
  id?: string;
  type: string;
  data: any;
}

/** What the server accepts in one message (README, Attachments): more files, or another type, are refused before sending. */
export const MAX_FILES = 10;
export const FILE_EXTENSIONS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'jpg', 'jpeg', 'png', 'gif', 'webp', 'zip', 'rar', '7z'];

/** A room's messages as loaded: one run of consecutive messages, with those still on their way at the end. */
export interface Page {
  messages: ChatMessage[];
  /** Older messages exist. */
  hasMore: boolean;
  /** Newer messages exist (a page opened around an older message): live ones wait until the reader gets there. */
  hasNewer?: boolean;
  /** Set until the first page arrives. */
  loading?: boolean;
}

/** The user's notification preferences (GET /me/preferences). */
export interface Preferences {
  email: 'off' | 'mentions' | 'all';
  emailDelayMinutes: number;
  sound: boolean;
  /** Whether the server sends e-mail and knows the user's address. */
  emailAvailable: boolean;
}
