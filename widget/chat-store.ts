import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatApi } from './api';
import type { Draft } from './events';
import type { ChatMessage, Me, Member, Message, Page, Perm, Preferences, Presence, ReactionEvent, Room } from './types';

/** Messages fetched at a time. */
export const PAGE = 50;

// Pending messages (negative ids) sort after every server message, in the order they were written.
const order = (m: Message) => (m.id > 0 ? m.id : 1e15 - m.id);
const byId = (a: Message, b: Message) => order(a) - order(b);

/**
 * The widget's data: the user, the room list, the pages of the rooms opened,
 * pending messages, who is online. ChatSync loads it and applies the live
 * events (chat-reducer.ts); ChatActions changes it with what the user does.
 * The host element re-renders on every change (`rev` counts them).
 */
export class ChatStore implements ReactiveController {
  me?: Me;
  /** The notification preferences, once loaded (the sound plays until they say otherwise). */
  preferences?: Preferences;
  rooms: Room[] = [];
  /** The open room, if any. */
  roomId: number | null = null;
  /** Rooms as returned by GET /rooms/:id, with their members. */
  details = new Map<number, Room>();
  pages = new Map<number, Page>();
  /** Who is typing in the open room, by user id. */
  typing = new Map<number, { name: string; until: number }>();
  /** Who is online, and since when the others are not: from the lists loaded, then the feed's presence events. */
  presence = new Map<number, Presence>();
  /** Per room whose members are not all loaded: the last user id of the pages loaded (the next page starts after it). */
  memberCursor = new Map<number, number>();
  /** Per room: the read marker when it was opened (the "new messages" line goes under it). */
  unreadAfter = new Map<number, number>();
  /** The message to bring into view and highlight (a search result, a quoted message). */
  focus: { roomId: number; messageId: number } | null = null;
  /** Until the first room list arrives. */
  loadingRooms = true;
  /** The last failure, shown for a few seconds. */
  error: unknown = null;
  /** Per room: the composer's text, the reply in progress and the scroll position. */
  drafts = new Map<number, Draft>();
  /** Ids of the rooms opened, most recent first. */
  recent: number[] = [];
  /** Called for each new message from someone else, after it is applied. */
  onIncoming?: (m: Message, room: Room | undefined) => void;

  /** Counts the changes: an element given the store re-renders when it moves. */
  rev = 0;
  /** The API client of the current session. */
  api?: ChatApi;
  /** The last local id given to a message still on its way (negative ids). */
  seq = 0;
  private typingTimer?: ReturnType<typeof setTimeout>;
  private errorTimer?: ReturnType<typeof setTimeout>;

  constructor(private host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.typingTimer);
    clearTimeout(this.errorTimer);
  }

  /** Unread messages in rooms that are not muted. */
  get unreadTotal(): number {
    return this.rooms.reduce((n, r) => n + (r.muted ? 0 : r.unreadCount), 0);
  }

  /** Whether some room has unread messages mentioning me, muted rooms included. */
  get mentioned(): boolean {
    return this.rooms.some((r) => !!r.mentionCount);
  }

  /** Adds or takes away someone's reaction to a loaded message; what is already so changes nothing. */
  react({ roomId, messageId, emoji, userId }: ReactionEvent, add: boolean): void {
    const m = this.pages.get(roomId)?.messages.find((x) => x.id === messageId);
    const list = m?.reactions ?? [];
    const had = !!list.find((r) => r.emoji === emoji)?.userIds.includes(userId);
    if (!m || had === add) return;
    const reactions = add && !list.some((r) => r.emoji === emoji)
      ? [...list, { emoji, userIds: [userId] }]
      : list.map((r) => (r.emoji !== emoji ? r : { emoji, userIds: add ? [...r.userIds, userId] : r.userIds.filter((id) => id !== userId) }))
        .filter((r) => r.userIds.length);
    this.upsert({ ...m, reactions });
  }

  can(perm: Perm): boolean {
    return !!this.me?.perms.includes(perm);
  }

  get room(): Room | undefined {
    return this.rooms.find((r) => r.id === this.roomId) ?? this.details.get(this.roomId!);
  }

  get members(): Member[] {
    return this.details.get(this.roomId!)?.members ?? [];
  }

  get page(): Page | undefined {
    return this.pages.get(this.roomId!);
  }

  /** Someone's name, from what is loaded (members, the room list, senders); `…` when unknown. */
  nameOf(userId: number): string {
    if (userId === this.me?.user.id) return this.me.user.name;
    for (const room of [...this.details.values(), ...this.rooms]) {
      const found = room.members?.find((x) => x.userId === userId);
      if (found) return found.name;
    }
    for (const page of this.pages.values()) for (const m of page.messages) if (m.senderId === userId) return m.senderName;
    return '…';
  }

  /** Someone's presence, as last heard. */
  presenceOf(userId: number): Presence | undefined {
    return this.presence.get(userId);
  }

  /** Forgets everything: a new session begins with this client (another API, maybe another user). */
  begin(api: ChatApi): void {
    this.api = api;
    this.me = undefined;
    this.roomId = null;
    this.recent = [];
    this.focus = null;
    this.loadingRooms = true;
    for (const m of [this.pages, this.details, this.drafts, this.presence, this.unreadAfter, this.memberCursor]) m.clear();
  }

  /** Takes the presence of members as loaded (the feed's presence events keep it current). */
  notePresence(members: Member[] = []): void {
    for (const m of members) if (m.online !== undefined) this.presence.set(m.userId, { online: m.online, lastSeenAt: m.lastSeenAt ?? null });
  }

  /** Whether leaving the page would lose something or delay it: a message or an upload not confirmed. */
  get pending(): boolean {
    return [...this.pages.values()].some((p) => p.messages.some((m) => m.id < 0));
  }

  /** Records part of a room's draft (no re-render: the elements already show it). */
  setDraft(roomId: number, d: Draft): void {
    this.drafts.set(roomId, { ...this.drafts.get(roomId), ...d });
  }

  /**
   * Inserts or replaces a message, matching on id or on clientId (the echo of
   * a pending one). A page opened around an older message does not take new
   * ones: they wait until the reader gets there.
   */
  upsert(m: ChatMessage): void {
    if (m.id > 0) this.touchRoom(m);
    const page = this.pages.get(m.roomId);
    if (!page) return this.changed();
    const list = page.messages;
    const i = list.findIndex((x) => x.id === m.id || (!!m.clientId && x.clientId === m.clientId));
    if (i < 0 && page.hasNewer && m.id > 0) return this.changed();
    const next = i < 0 ? [...list, m] : list.map((x, j) => (j === i ? (x.id > 0 ? { ...x, ...m } : m) : x));
    this.pages.set(m.roomId, { ...page, messages: next.sort(byId) });
    this.changed();
  }

  /** Shows a message as deleted. */
  deleted(m: Pick<Message, 'id' | 'roomId'> & Partial<Message>) {
    const old = this.pages.get(m.roomId)?.messages.find((x) => x.id === m.id);
    if (old) this.upsert({ ...old, content: '', attachments: [], deletedAt: m.deletedAt ?? new Date().toISOString() });
  }

  /** Removes a message still on its way, or one that failed. */
  drop(m: ChatMessage): void {
    const page = this.pages.get(m.roomId);
    if (!page) return;
    this.pages.set(m.roomId, { ...page, messages: page.messages.filter((x) => x.id > 0 || x.clientId !== m.clientId) });
    this.changed();
  }

  /** Changes a pending message; a message the server already confirmed is left alone. */
  patch(m: ChatMessage, changes: Partial<ChatMessage>) {
    const cur = this.pages.get(m.roomId)?.messages.find((x) => x.clientId === m.clientId);
    if (cur && cur.id < 0) this.upsert({ ...cur, ...changes });
  }

  // The room list shows the last message and is sorted by activity.
  private touchRoom(m: Message) {
    const room = this.rooms.find((r) => r.id === m.roomId);
    const lastId = room?.lastMessage?.id ?? 0;
    if (!room || m.id < lastId) return;
    // An edit or deletion of the last message updates it in place; a new message moves the room up.
    this.rooms =
      m.id === lastId
        ? this.rooms.map((r) => (r === room ? { ...r, lastMessage: m } : r))
        : [{ ...room, lastMessage: m, updatedAt: m.createdAt }, ...this.rooms.filter((r) => r !== room)];
  }

  /** Changes a room of the list. */
  setRoom(id: number, changes: Partial<Room>): void {
    this.rooms = this.rooms.map((r) => (r.id === id ? { ...r, ...changes } : r));
    this.changed();
  }

  /** Puts a room first in the list (a room just opened, created or joined). */
  addRoom(room: Room): void {
    this.rooms = [room, ...this.rooms.filter((r) => r.id !== room.id)];
    this.changed();
  }

  /** Replaces a room as the server answered it, in the list and with its members. */
  putRoom(room: Room): void {
    this.rooms = this.rooms.map((r) => (r.id === room.id ? { ...r, ...room, members: undefined } : r));
    if (room.members) this.setDetails(room);
    this.changed();
  }

  /** Takes a room's details as GET /rooms/:id answered them: its first members, and where the next page of them starts. */
  setDetails(room: Room): void {
    this.details.set(room.id, room);
    const members = room.members ?? [];
    if (members.length < (room.memberCount ?? 0)) this.memberCursor.set(room.id, members.at(-1)?.userId ?? 0);
    else this.memberCursor.delete(room.id);
  }

  /** Changes the members shown of a room. */
  setMembers(id: number, change: (members: Member[]) => Member[]): void {
    const room = this.details.get(id);
    if (room) this.details.set(id, { ...room, members: change(room.members ?? []) });
    this.changed();
  }

  /** Forgets a room the user left. */
  dropRoom(id: number): void {
    this.rooms = this.rooms.filter((r) => r.id !== id);
    this.details.delete(id);
    this.pages.delete(id);
    this.changed();
  }

  /** Drops the "is typing" that ran out; wakes once, when the next one runs out, rather than every second. */
  expireTyping(): void {
    clearTimeout(this.typingTimer);
    const now = Date.now();
    const before = this.typing.size;
    for (const [id, t] of this.typing) if (t.until <= now) this.typing.delete(id);
    if (this.typing.size < before) this.changed();
    if (!this.typing.size) return;
    const next = Math.min(...[...this.typing.values()].map((t) => t.until));
    this.typingTimer = setTimeout(() => this.expireTyping(), next - now);
  }

  /** Runs work, showing its failure, or clearing the one shown when it succeeds. */
  async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.succeeded();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Shows a failure until the next success (or a minute at most). */
  fail(e: unknown): void {
    this.error = e;
    clearTimeout(this.errorTimer);
    this.errorTimer = setTimeout(() => this.succeeded(), 60_000);
    this.changed();
  }

  /** Something worked again: the failure shown is over. */
  succeeded(): void {
    if (this.error === null) return;
    this.error = null;
    clearTimeout(this.errorTimer);
    this.changed();
  }

  /** Re-renders the host. */
  changed(): void {
    this.rev++;
    this.host.requestUpdate();
  }
}
