import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatApi } from './api';
import { applyEvent } from './chat-reducer';
import { PAGE, type ChatStore } from './chat-store';
import type { ChatEvent, Me, Message, Page, Preferences, Room } from './types';

/** With more unread messages than this, a room opens around the first unread rather than at the end. */
const UNREAD_AROUND = 40;

/**
 * Keeps the store in step with the server: loads the user, the room list and
 * the rooms opened, applies the live feed's events (chat-reducer.ts), and
 * moves the read marker as the reader sees messages.
 */
export class ChatSync implements ReactiveController {
  /** Requests of the list or a room under way: until they end, the state lags behind the events applied. */
  private busy = 0;
  private roomsTimer?: ReturnType<typeof setTimeout>;
  /** Per room: the newest message the reader has had on screen. */
  private seenUpTo = new Map<number, number>();
  private shown = false;

  constructor(
    host: ReactiveControllerHost,
    private store: ChatStore,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.roomsTimer);
  }

  private get api(): ChatApi {
    return this.store.api!;
  }

  /** Whether nothing is being fetched again: the state then reflects every event applied. */
  get settled(): boolean {
    return !this.busy && !this.roomsTimer;
  }

  /** Whether the open room is on screen (panel open, tab visible): what it shows then counts as read. */
  get visible(): boolean {
    return this.shown;
  }
  set visible(on: boolean) {
    const appearing = on && !this.shown;
    this.shown = on;
    const id = this.store.roomId;
    if (appearing && id !== null && this.seenUpTo.has(id)) this.markRead(id, this.seenUpTo.get(id));
  }

  /** Forgets everything: a new session begins with this client (another API, maybe another user). */
  begin(api: ChatApi): void {
    this.store.begin(api);
    this.seenUpTo.clear();
  }

  /**
   * Loads the user and the room list. With `cached`, the list a previous page
   * left is kept and only the user is fetched: the feed's replay brings the rest.
   */
  async load(cached = false): Promise<void> {
    await this.store.run(async () => {
      this.store.me = await this.api.get<Me>('/me');
      void this.loadPreferences();
      if (!cached) await this.loadRooms();
    });
  }

  /** The notification preferences; a server without them (or a failure) leaves the defaults. */
  async loadPreferences(): Promise<void> {
    const prefs = await this.api.get<Preferences>('/me/preferences').catch(() => undefined);
    if (!prefs) return;
    this.store.preferences = prefs;
    this.store.changed();
  }

  async loadRooms(): Promise<void> {
    const s = this.store;
    this.busy++;
    try {
      s.rooms = await this.api.get<Room[]>('/rooms');
    } finally {
      this.busy--;
    }
    s.loadingRooms = false;
    for (const r of s.rooms) s.notePresence(r.members);
    s.changed();
  }

  /** Fetches the list and the open room again: for a page restored from a cache the feed cannot bring up to date. */
  refresh(): Promise<void> {
    return this.store.run(async () => {
      await this.loadRooms();
      if (this.store.roomId !== null) await this.loadRoom(this.store.roomId);
    });
  }

  /** Fetches the room list again, soon: several events in a row (a member added to many rooms…) cost one GET /rooms. */
  refreshRooms(): void {
    clearTimeout(this.roomsTimer);
    this.roomsTimer = setTimeout(() => ((this.roomsTimer = undefined), void this.store.run(() => this.loadRooms())), 50);
  }

  /** Fetches the room list again, and the room when it is open. */
  reload(roomId?: number): void {
    this.refreshRooms();
    if (roomId !== undefined && roomId === this.store.roomId) void this.store.run(() => this.loadRoom(roomId));
  }

  /** Applies one event of the live feed. */
  apply(e: ChatEvent): void {
    applyEvent(this.store, this, e);
  }

  /**
   * Opens a room (null: back to the list), loading its members and messages:
   * around `at` when given (then highlighted), around the first unread when
   * many are, else the latest. The "new messages" line goes under the read
   * marker it had.
   */
  async open(roomId: number | null, at?: number): Promise<void> {
    const s = this.store;
    s.roomId = roomId;
    s.typing.clear();
    if (roomId === null) return s.changed();
    s.recent = [roomId, ...s.recent.filter((id) => id !== roomId)];
    const room = s.rooms.find((r) => r.id === roomId);
    const readUpTo = room?.lastReadMessageId ?? 0;
    if (room?.unreadCount) s.unreadAfter.set(roomId, readUpTo);
    else s.unreadAfter.delete(roomId);
    s.focus = at !== undefined ? { roomId, messageId: at } : null;
    // Many unread: from the last one read (or from the start when none was), rather than the end.
    const many = !!room && room.unreadCount > UNREAD_AROUND;
    const around = at ?? (many && readUpTo ? readUpTo : undefined);
    const from = around === undefined && many ? 'start' : around;
    // A page that does not hold the message asked for is fetched again around it.
    if (from !== undefined && !s.pages.get(roomId)?.messages.some((m) => m.id === around)) s.pages.delete(roomId);
    s.changed();
    await s.run(() => this.loadRoom(roomId, from));
  }

  /**
   * Fetches a room with its members and a page of messages: the latest, those
   * around one, or the first ones (`start`); keeps what arrived meanwhile.
   */
  async loadRoom(id: number, at?: number | 'start'): Promise<void> {
    const s = this.store;
    // An empty page from the start, so that messages arriving during the fetch have a place.
    if (!s.pages.has(id)) s.pages.set(id, { messages: [], hasMore: false, loading: true });
    this.busy++;
    let room: Room, page: Page;
    try {
      [room, page] = await Promise.all([
        this.api.get<Room>(`/rooms/${id}`),
        this.api.get<Page>(`/rooms/${id}/messages?limit=${PAGE}${at === 'start' ? '&after=0' : at !== undefined ? `&around=${at}` : ''}`),
      ]);
    } finally {
      this.busy--;
    }
    // From the start, hasMore tells of newer messages, and there are no older ones.
    if (at === 'start') page = { messages: page.messages, hasMore: false, hasNewer: page.hasMore };
    const lastId = page.messages.at(-1)?.id ?? 0;
    // Keep what arrived live meanwhile, and what is still on its way (not after a gap).
    const kept = page.hasNewer ? [] : s.pages.get(id)!.messages.filter((m) => m.id < 0 || m.id > lastId);
    s.setDetails(room);
    s.notePresence(room.members);
    s.pages.set(id, { messages: [...page.messages, ...kept], hasMore: page.hasMore, hasNewer: page.hasNewer });
    if (!s.rooms.some((r) => r.id === id)) s.rooms = [room, ...s.rooms];
    s.changed();
  }

  /** Loads the page before the oldest message shown, or after the newest of a page opened around an older one. */
  async loadMore(direction: 'older' | 'newer'): Promise<void> {
    const s = this.store;
    const id = s.roomId;
    const page = s.page;
    const confirmed = page?.messages.filter((m) => m.id > 0) ?? [];
    const edge = direction === 'older' ? confirmed[0] : confirmed.at(-1);
    if (id === null || !page || !edge || page.loading || !(direction === 'older' ? page.hasMore : page.hasNewer)) return;
    page.loading = true;
    try {
      await s.run(async () => {
        const more = await this.api.get<Page>(`/rooms/${id}/messages?${direction === 'older' ? 'before' : 'after'}=${edge.id}&limit=${PAGE}`);
        const cur = s.pages.get(id)!;
        const known = new Set(cur.messages.map((m) => m.id));
        const fresh = more.messages.filter((m) => !known.has(m.id));
        s.pages.set(id, direction === 'older'
          ? { ...cur, messages: [...fresh, ...cur.messages], hasMore: more.hasMore }
          // With `after`, hasMore means that newer ones are still to come.
          : { ...cur, messages: [...cur.messages, ...fresh], hasNewer: more.hasMore });
        s.changed();
      });
    } finally {
      const cur = s.pages.get(id);
      if (cur) cur.loading = undefined;
    }
  }

  /** The reader has had messages of a room on screen up to `messageId`: once the room is visible, they are read. */
  seen(roomId: number, messageId: number): void {
    if (messageId <= (this.seenUpTo.get(roomId) ?? 0)) return;
    this.seenUpTo.set(roomId, messageId);
    if (this.visible && this.store.roomId === roomId) this.markRead(roomId, messageId);
  }

  /** Moves my read marker forward to `upTo` (default: the room's last message) and counts what is left unread. */
  markRead(roomId: number, upTo?: number): void {
    const s = this.store;
    const page = s.pages.get(roomId);
    const room = s.rooms.find((r) => r.id === roomId);
    const last = upTo ?? page?.messages.findLast((m) => m.id > 0)?.id;
    if (!last || !room || last <= (room.lastReadMessageId ?? 0)) return;
    const meId = s.me?.user.id;
    const unread = (m: Message) => m.id > 0 && m.senderId !== meId && m.type !== 'system' && !m.deletedAt;
    const readNow = page?.messages.filter((m) => unread(m) && m.id > (room.lastReadMessageId ?? 0) && m.id <= last).length ?? 0;
    const left = page && !page.hasNewer ? page.messages.filter((m) => unread(m) && m.id > last).length : Math.max(0, room.unreadCount - readNow);
    const mentioned = (m: Message) => unread(m) && m.id > last && !!m.mentions?.includes(meId!);
    // A page that stops short of the newest messages cannot tell: the server's count stays until the list is fetched again.
    const mentions = left && room.mentionCount ? (page?.hasNewer ? room.mentionCount : page?.messages.filter(mentioned).length ?? 0) : 0;
    s.setRoom(roomId, { unreadCount: left, mentionCount: mentions, lastReadMessageId: last });
    this.api.json('POST', `/rooms/${roomId}/read`, { messageId: last }).catch(() => {});
  }
}
