import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, type ChatApi } from './api';
import { sleep } from './event-stream';
import type { Draft, SendDetail } from './events';
import type { ChatEvent, ChatMessage, Me, Member, Message, Perm, Room, RoomContext } from './types';

interface Page {
  messages: ChatMessage[];
  hasMore: boolean;
  /** Set until the first page arrives. */
  loading?: boolean;
}

/** What the store keeps across page loads (see ContinuityController). */
export interface Snapshot {
  me: Me;
  rooms: Room[];
  roomId: number | null;
  /** The rooms opened last, most recent first, with their members and last page. */
  recent: { room: Room; page: { messages: Message[]; hasMore: boolean } }[];
  drafts: [number, Draft][];
  /** Text messages not confirmed: those still on their way are sent again with their clientId after the reload, failed ones keep their Retry. */
  outbox: ChatMessage[];
}

const PAGE = 50;
const RECENT = 5;
const MAX_ATTEMPTS = 6;
const TYPING_MS = 5000;

// Pending messages (negative ids) sort after every server message, in the order they were written.
const order = (m: Message) => (m.id > 0 ? m.id : 1e15 - m.id);
const byId = (a: Message, b: Message) => order(a) - order(b);

const online = () =>
  navigator.onLine ? Promise.resolve() : new Promise((r) => addEventListener('online', r, { once: true }));

/**
 * The widget's data: the user, the room list, the pages of the rooms opened,
 * pending messages; it applies the live events and calls the API. The host
 * element re-renders on every change.
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

  private api?: ChatApi;
  private seq = 0;
  private lastTyping = 0;
  private roomsTimer?: ReturnType<typeof setTimeout>;
  /** Whether nothing is being fetched again: the state then reflects every event applied. */
  get settled(): boolean {
    return !this.busy && !this.roomsTimer;
  }
  private typingTimer?: ReturnType<typeof setTimeout>;
  private errorTimer?: ReturnType<typeof setTimeout>;
  private loadingOlder = false;

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

  /** What to keep for the next page: see Snapshot. Pending files cannot be kept. */
  snapshot(): Snapshot | undefined {
    if (!this.me) return;
    const confirmed = (m: ChatMessage) => m.id > 0;
    const recent = this.recent.slice(0, RECENT).flatMap((id) => {
      const room = this.details.get(id);
      const page = this.pages.get(id);
      return room && page && !page.loading ? [{ room, page: { messages: page.messages.filter(confirmed).slice(-PAGE), hasMore: page.hasMore || page.messages.length > PAGE } }] : [];
    });
    const outbox = [...this.pages.values()].flatMap((p) => p.messages.filter((m) => m.id < 0 && !m.files?.length));
    return { me: this.me, rooms: this.rooms, roomId: this.roomId, recent, drafts: [...this.drafts], outbox: outbox.map(({ progress, files, ...m }) => m) };
  }

  /** Puts back what snapshot() kept, to be shown at once. */
  restore(s: Snapshot): void {
    this.me = s.me;
    this.rooms = s.rooms;
    this.drafts = new Map(s.drafts);
    this.recent = s.recent.map((r) => r.room.id);
    for (const { room, page } of s.recent) {
      this.details.set(room.id, room);
      this.pages.set(room.id, page);
    }
    this.roomId = s.roomId !== null && this.pages.has(s.roomId) ? s.roomId : null;
    for (const m of s.outbox) {
      this.seq = Math.max(this.seq, -m.id);
      // A room whose page was not kept gets one, loaded when opened, so that the message is sent and shown.
      if (!this.pages.has(m.roomId)) this.pages.set(m.roomId, { messages: [], hasMore: false, loading: true });
      this.upsert(m);
    }
    this.changed();
  }

  /** Sends again, with their clientId, the messages restore() put back as pending. */
  resend(): void {
    for (const page of this.pages.values()) for (const m of page.messages) if (m.status === 'sending') void this.deliver(m);
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
   * Opens the room tied to a host record: the one in my list, else the server's
   * (created when allowed). Rejects with the server's 404 when it exists and I am not in it.
   */
  async openContext(c: RoomContext): Promise<void> {
    const known = this.rooms.find((r) => r.context?.type === c.type && r.context.id === c.id);
    const room = known ?? (await this.api!.json<Room>('POST', '/rooms', { type: 'group', name: c.label, memberIds: [], context: c }));
    if (!known) this.rooms = [room, ...this.rooms.filter((r) => r.id !== room.id)];
    await this.open(room.id);
  }

  /** Opens a room (null: back to the list), loading its members and latest messages. */
  async open(roomId: number | null): Promise<void> {
    this.roomId = roomId;
    if (roomId !== null) this.recent = [roomId, ...this.recent.filter((id) => id !== roomId)];
    this.typing.clear();
    this.changed();
    if (roomId !== null) await this.run(() => this.loadRoom(roomId));
  }

  private async loadRoom(id: number) {
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

  /** Loads the page before the oldest message shown. */
  async loadOlder(): Promise<void> {
    const id = this.roomId;
    const page = this.page;
    const oldest = page?.messages.find((m) => m.id > 0);
    if (id === null || !page?.hasMore || !oldest || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      await this.run(async () => {
        const older = await this.api!.get<Page>(`/rooms/${id}/messages?before=${oldest.id}&limit=${PAGE}`);
        const cur = this.pages.get(id)!;
        const known = new Set(cur.messages.map((m) => m.id));
        this.pages.set(id, { messages: [...older.messages.filter((m) => !known.has(m.id)), ...cur.messages], hasMore: older.hasMore });
        this.changed();
      });
    } finally {
      this.loadingOlder = false;
    }
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

  /** Shows the message at once as pending, then delivers it (see deliver). */
  send(roomId: number, d: SendDetail): void {
    const user = this.me!.user;
    const quoted = d.replyToId ? this.pages.get(roomId)?.messages.find((m) => m.id === d.replyToId) : undefined;
    const m: ChatMessage = {
      id: -++this.seq,
      roomId,
      senderId: user.id,
      senderName: user.name,
      content: d.content,
      type: 'text',
      replyTo: quoted ? { id: quoted.id, senderName: quoted.senderName, excerpt: quoted.content.slice(0, 140) } : null,
      attachments: [],
      createdAt: new Date().toISOString(),
      clientId: crypto.randomUUID(),
      status: 'sending',
      files: d.files,
      progress: d.files.length ? 0 : undefined,
    };
    this.upsert(m);
    void this.deliver(m);
  }

  /** Tries a failed message again, with the same clientId so that it cannot arrive twice. */
  retry(m: ChatMessage): void {
    this.patch(m, { status: 'sending' });
    void this.deliver(m);
  }

  /**
   * Posts a pending message; after a network failure or a server error it waits
   * (for the browser to be back online, or with back-off) and posts it again
   * with the same clientId, which the server answers with the first copy.
   */
  private async deliver(m: ChatMessage) {
    const api = this.api!;
    for (let attempt = 1; ; attempt++) {
      try {
        let saved: Message;
        if (m.files?.length) {
          const form = new FormData();
          form.set('content', m.content);
          form.set('clientId', m.clientId!);
          if (m.replyTo) form.set('replyToId', String(m.replyTo.id));
          for (const f of m.files) form.append('files', f, f.name);
          saved = await api.upload(m.roomId, form, (progress) => this.patch(m, { progress }));
        } else {
          saved = await api.json<Message>('POST', `/rooms/${m.roomId}/messages`, {
            content: m.content,
            clientId: m.clientId,
            ...(m.replyTo ? { replyToId: m.replyTo.id } : {}),
          });
        }
        this.upsert(saved);
        return;
      } catch (e) {
        if (!ApiError.retryable(e) || attempt >= MAX_ATTEMPTS) {
          this.patch(m, { status: 'failed' });
          this.fail(e);
          return;
        }
        await online();
        await sleep(Math.min(500 * 2 ** attempt, 15_000));
      }
    }
  }

  async edit(m: ChatMessage, content: string): Promise<void> {
    await this.run(async () => this.upsert(await this.api!.json<Message>('PATCH', `/messages/${m.id}`, { content })));
  }

  async remove(m: ChatMessage): Promise<void> {
    await this.run(async () => {
      await this.api!.json('DELETE', `/messages/${m.id}`);
      this.deleted(m);
    });
  }

  /** Tells the room I am typing, at most every 3 seconds. */
  typingSignal(roomId: number): void {
    if (Date.now() - this.lastTyping < 3000) return;
    this.lastTyping = Date.now();
    this.api!.json('POST', `/rooms/${roomId}/typing`, {}).catch(() => {});
  }

  /** Applies one event of the live feed. */
  apply({ type, data }: ChatEvent): void {
    const meId = this.me?.user.id;
    const roomId: number | undefined = data?.roomId ?? data?.id;
    switch (type) {
      case 'message.created': {
        const m = data as Message;
        const room = this.rooms.find((r) => r.id === m.roomId);
        // A replay may bring a message the list already counts.
        const counted = m.id <= (room?.lastMessage?.id ?? 0);
        this.upsert(m);
        this.typing.delete(m.senderId);
        if (!room) this.refreshRooms();
        if (m.senderId === meId || counted) break;
        if (room) {
          if (this.visible && this.roomId === m.roomId) this.markRead(m.roomId);
          else this.setRoom(m.roomId, { unreadCount: (this.rooms.find((r) => r.id === m.roomId)?.unreadCount ?? 0) + 1 });
        }
        this.onIncoming?.(m, this.rooms.find((r) => r.id === m.roomId));
        break;
      }
      case 'message.updated':
        this.upsert(data as Message);
        break;
      case 'message.deleted':
        this.deleted(data as Message);
        break;
      case 'read': {
        const detail = this.details.get(data.roomId);
        if (detail?.members) {
          const members = detail.members.map((x) =>
            x.userId === data.userId && data.messageId > (x.lastReadMessageId ?? 0) ? { ...x, lastReadMessageId: data.messageId } : x,
          );
          this.details.set(detail.id, { ...detail, members });
        }
        if (data.userId === meId) {
          const room = this.rooms.find((r) => r.id === data.roomId);
          // Read up to the last message: nothing left; otherwise only the server knows the count.
          if (room && data.messageId >= (room.lastMessage?.id ?? 0)) this.setRoom(room.id, { unreadCount: 0 });
          else this.refreshRooms();
        }
        this.changed();
        break;
      }
      case 'typing':
        if (data.roomId !== this.roomId || data.userId === meId) return;
        this.typing.set(data.userId, { name: data.name, until: Date.now() + TYPING_MS });
        this.expireTyping();
        this.changed();
        break;
      case 'reset':
        // Events were missed: cached pages are stale, except for the messages still on their way.
        for (const [id, page] of this.pages) if (id !== this.roomId && !page.messages.some((m) => m.id < 0)) this.pages.delete(id);
        this.reload(this.roomId ?? undefined);
        break;
      default:
        // room.* and member.*: the payloads differ, so fetch the list (and the open room) again.
        if (!type.startsWith('room.') && !type.startsWith('member.')) return;
        if (roomId !== undefined && roomId === this.roomId && (type === 'room.deleted' || (type === 'member.removed' && data.userId === meId))) {
          this.refreshRooms();
          void this.open(null);
        } else this.reload(roomId);
    }
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

  private deleted(m: Pick<Message, 'id' | 'roomId'> & Partial<Message>) {
    const old = this.pages.get(m.roomId)?.messages.find((x) => x.id === m.id);
    if (old) this.upsert({ ...old, content: '', attachments: [], deletedAt: m.deletedAt ?? new Date().toISOString() });
  }

  // Changes a pending message; a message the server already confirmed is left alone.
  private patch(m: ChatMessage, changes: Partial<ChatMessage>) {
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

  private setRoom(id: number, changes: Partial<Room>) {
    this.rooms = this.rooms.map((r) => (r.id === id ? { ...r, ...changes } : r));
    this.changed();
  }

  // Several events in a row (a member added to many rooms…) cost one GET /rooms.
  private refreshRooms() {
    clearTimeout(this.roomsTimer);
    this.roomsTimer = setTimeout(() => ((this.roomsTimer = undefined), void this.run(() => this.loadRooms())), 50);
  }

  // Wakes once, when the first "is typing" runs out, rather than every second.
  private expireTyping() {
    clearTimeout(this.typingTimer);
    const now = Date.now();
    const before = this.typing.size;
    for (const [id, t] of this.typing) if (t.until <= now) this.typing.delete(id);
    if (this.typing.size < before) this.changed();
    if (!this.typing.size) return;
    const next = Math.min(...[...this.typing.values()].map((t) => t.until));
    this.typingTimer = setTimeout(() => this.expireTyping(), next - now);
  }

  private async run(work: () => Promise<void>) {
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

  private changed() {
    this.host.requestUpdate();
  }
}
