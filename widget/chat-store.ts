import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatApi } from './api';
import { applyEvent } from './chat-reducer';
import type { Draft } from './events';
import type { ChatEvent, ChatMessage, Me, Member, Message, Page, Perm, Room } from './types';

/** Messages fetched at a time. */
export const PAGE = 50;

// Pending messages (negative ids) sort after every server message, in the order they were written.
const order = (m: Message) => (m.id > 0 ? m.id : 1e15 - m.id);
const byId = (a: Message, b: Message) => order(a) - order(b);

/**
 * The widget's data: the user, the room list, the pages of the rooms opened,
 * pending messages. It loads them, applies the live events (chat-reducer.ts)
 * and is changed by the user's actions (chat-actions.ts); the host element
 * re-renders on every change (`rev` counts them).
 */
export class ChatStore implements ReactiveController {
  me?: Me;
  rooms: Room[] = [];
  /** The open room, if any. */
  roomId: number | null = null;
  /** Rooms as returned by GET /rooms/:id, with their members. */
  details = new Map<number, Room>();
  pages = new Map<number, Page>();
  /** Who is typing in the open room, by user id. */
  typing = new Map<number, { name: string; until: number }>();
  private shown = false;
  /** Whether the open room is on screen (panel open, tab visible): its messages are read at once. */
  get visible(): boolean {
    return this.shown;
  }
  set visible(on: boolean) {
    const appearing = on && !this.shown;
    this.shown = on;
    if (appearing && this.roomId !== null) this.markRead(this.roomId);
  }
  /** The last failure, shown for a few seconds. */
  error: unknown = null;
  /** Per room: the composer's text, the reply in progress and the scroll position. */
  drafts = new Map<number, Draft>();
  /** Ids of the rooms opened, most recent first. */
  recent: number[] = [];
  /** Requests of the list or a room under way: until they end, the state lags behind the events applied. */
  busy = 0;
  /** Called for each new message from someone else, after it is applied. */
  onIncoming?: (m: Message, room: Room | undefined) => void;

  /** Counts the changes: an element given the store re-renders when it moves. */
  rev = 0;
  /** The API client of the current session. */
  api?: ChatApi;
  /** The last local id given to a message still on its way (negative ids). */
  seq = 0;
  private roomsTimer?: ReturnType<typeof setTimeout>;
  /** Whether nothing is being fetched again: the state then reflects every event applied. */
  get settled(): boolean {
    return !this.busy && !this.roomsTimer;
  }
  private typingTimer?: ReturnType<typeof setTimeout>;
  private errorTimer?: ReturnType<typeof setTimeout>;

  constructor(private host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.roomsTimer);
    clearTimeout(this.typingTimer);
    clearTimeout(this.errorTimer);
  }

  /** Unread messages in rooms that are not muted. */
  get unreadTotal(): number {
    return this.rooms.reduce((n, r) => n + (r.muted ? 0 : r.unreadCount), 0);
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

  /** Forgets everything: a new session begins with this client (another API, maybe another user). */
  begin(api: ChatApi): void {
    this.api = api;
    this.me = undefined;
    this.roomId = null;
    this.recent = [];
    for (const m of [this.pages, this.details, this.drafts]) m.clear();
  }

  /**
   * Loads the user and the room list. With `cached`, the list restore() put
   * back is kept and only the user is fetched: the feed's replay brings the rest.
   */
  async load(api: ChatApi, cached = false): Promise<void> {
    this.api = api;
    await this.run(async () => {
      this.me = await api.get<Me>('/me');
      if (!cached) await this.loadRooms();
    });
  }

  async loadRooms(): Promise<void> {
    this.busy++;
    try {
      this.rooms = await this.api!.get<Room[]>('/rooms');
    } finally {
      this.busy--;
    }
    this.changed();
  }

  /** Fetches the list and the open room again: for a page restored from a cache the feed cannot bring up to date. */
  refresh(): Promise<void> {
    return this.run(async () => {
      await this.loadRooms();
      if (this.roomId !== null) await this.loadRoom(this.roomId);
    });
  }

  /** Whether leaving the page would lose something or delay it: a message or an upload not confirmed. */
  get pending(): boolean {
    return [...this.pages.values()].some((p) => p.messages.some((m) => m.id < 0));
  }

  /** Records part of a room's draft (no re-render: the elements already show it). */
  setDraft(roomId: number, d: Draft): void {
    this.drafts.set(roomId, { ...this.drafts.get(roomId), ...d });
  }

  /** Opens a room (null: back to the list), loading its members and latest messages. */
  async open(roomId: number | null): Promise<void> {
    this.roomId = roomId;
    if (roomId !== null) this.recent = [roomId, ...this.recent.filter((id) => id !== roomId)];
    this.typing.clear();
    this.changed();
    if (roomId !== null) await this.run(() => this.loadRoom(roomId));
  }

  /** Fetches a room with its members and its latest page, keeping what arrived meanwhile. */
  async loadRoom(id: number): Promise<void> {
    // An empty page from the start, so that messages arriving during the fetch have a place.
    if (!this.pages.has(id)) this.pages.set(id, { messages: [], hasMore: false, loading: true });
    this.busy++;
    let room: Room, page: Page;
    try {
      [room, page] = await Promise.all([
        this.api!.get<Room>(`/rooms/${id}`),
        this.api!.get<Page>(`/rooms/${id}/messages?limit=${PAGE}`),
      ]);
    } finally {
      this.busy--;
    }
    const lastId = page.messages.at(-1)?.id ?? 0;
    // Keep what arrived live meanwhile, and what is still on its way.
    const kept = this.pages.get(id)!.messages.filter((m) => m.id < 0 || m.id > lastId);
    this.details.set(id, room);
    this.pages.set(id, { messages: [...page.messages, ...kept], hasMore: page.hasMore });
    if (!this.rooms.some((r) => r.id === id)) this.rooms = [room, ...this.rooms];
    this.changed();
    if (this.visible && this.roomId === id) this.markRead(id);
  }

  /** Moves my read marker to the room's last message. */
  markRead(roomId: number): void {
    const last = this.pages.get(roomId)?.messages.findLast((m) => m.id > 0);
    const room = this.rooms.find((r) => r.id === roomId);
    if (!last || !room) return;
    const mine = this.details.get(roomId)?.members?.find((m) => m.userId === this.me?.user.id);
    if (!room.unreadCount && (mine?.lastReadMessageId ?? 0) >= last.id) return;
    this.setRoom(roomId, { unreadCount: 0 });
    this.api!.json('POST', `/rooms/${roomId}/read`, { messageId: last.id }).catch(() => {});
  }

  /** Applies one event of the live feed (see chat-reducer.ts). */
  apply(e: ChatEvent): void {
    applyEvent(this, e);
  }

  /** Fetches the room list again, and the room when it is open. */
  reload(roomId?: number): void {
    this.refreshRooms();
    if (roomId !== undefined && roomId === this.roomId) void this.run(() => this.loadRoom(roomId));
  }

  /** Inserts or replaces a message, matching on id or on clientId (the echo of a pending one). */
  upsert(m: ChatMessage): void {
    if (m.id > 0) this.touchRoom(m);
    const page = this.pages.get(m.roomId);
    if (!page) return this.changed();
    const list = page.messages;
    const i = list.findIndex((x) => x.id === m.id || (!!m.clientId && x.clientId === m.clientId));
    const next = i < 0 ? [...list, m] : list.map((x, j) => (j === i ? (x.id > 0 ? { ...x, ...m } : m) : x));
    this.pages.set(m.roomId, { ...page, messages: next.sort(byId) });
    this.changed();
  }

  /** Shows a message as deleted. */
  deleted(m: Pick<Message, 'id' | 'roomId'> & Partial<Message>) {
    const old = this.pages.get(m.roomId)?.messages.find((x) => x.id === m.id);
    if (old) this.upsert({ ...old, content: '', attachments: [], deletedAt: m.deletedAt ?? new Date().toISOString() });
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
    if (room.members) this.details.set(room.id, room);
    this.changed();
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

  /** Fetches the room list again, soon: several events in a row (a member added to many rooms…) cost one GET /rooms. */
  refreshRooms(): void {
    clearTimeout(this.roomsTimer);
    this.roomsTimer = setTimeout(() => ((this.roomsTimer = undefined), void this.run(() => this.loadRooms())), 50);
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

  /** Runs work, showing its failure. */
  async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Shows an error for a few seconds. */
  fail(e: unknown): void {
    this.error = e;
    clearTimeout(this.errorTimer);
    this.errorTimer = setTimeout(() => ((this.error = null), this.changed()), 8000);
    this.changed();
  }

  /** Re-renders the host. */
  changed(): void {
    this.rev++;
    this.host.requestUpdate();
  }
}
