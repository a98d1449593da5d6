import { ApiError } from './api';
import type { ChatStore } from './chat-store';
import type { ChatSync } from './chat-sync';
import { sleep } from './event-stream';
import type { SendDetail } from './events';
import type { ChatMessage, Member, Message, Preferences, Role, Room, RoomContext, User } from './types';

const MAX_ATTEMPTS = 6;
/** Members loaded at a time in a room's settings. */
const MEMBER_PAGE = 100;

const online = () =>
  navigator.onLine ? Promise.resolve() : new Promise((r) => addEventListener('online', r, { once: true }));

/**
 * What the user does, through the API, with the answer applied to the store:
 * sending (with retries), editing and deleting messages, and the room
 * dialogs' actions. The one way the widget changes data: elements call these
 * (provided through context), never the API directly.
 */
export class ChatActions {
  private lastTyping = 0;

  constructor(
    private store: ChatStore,
    private sync: ChatSync,
  ) {}

  private get api() {
    return this.store.api!;
  }

  /** Shows the message at once as pending, then delivers it (see deliver). */
  send(roomId: number, d: SendDetail): void {
    const s = this.store;
    const user = s.me!.user;
    const quoted = d.replyToId ? s.pages.get(roomId)?.messages.find((m) => m.id === d.replyToId) : undefined;
    const m: ChatMessage = {
      id: -++s.seq,
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
    s.upsert(m);
    void this.deliver(m);
  }

  /** Drops a message that could not be sent (its files with it). */
  discard(m: ChatMessage): void {
    this.store.drop(m);
  }

  /** Tries a failed message again, with the same clientId so that it cannot arrive twice. */
  retry(m: ChatMessage): void {
    this.store.patch(m, { status: 'sending' });
    void this.deliver(m);
  }

  /** Sends again, with their clientId, the messages a previous page left pending. */
  resend(): void {
    for (const page of this.store.pages.values()) for (const m of page.messages) if (m.status === 'sending') void this.deliver(m);
  }

  /**
   * Posts a pending message; after a network failure or a server error it waits
   * (for the browser to be back online, or with back-off) and posts it again
   * with the same clientId, which the server answers with the first copy.
   */
  private async deliver(m: ChatMessage) {
    const s = this.store;
    for (let attempt = 1; ; attempt++) {
      try {
        let saved: Message;
        if (m.files?.length) {
          const form = new FormData();
          form.set('content', m.content);
          form.set('clientId', m.clientId!);
          if (m.replyTo) form.set('replyToId', String(m.replyTo.id));
          for (const f of m.files) form.append('files', f, f.name);
          saved = await this.api.upload(m.roomId, form, (progress) => s.patch(m, { progress }));
        } else {
          saved = await this.api.json<Message>('POST', `/rooms/${m.roomId}/messages`, {
            content: m.content,
            clientId: m.clientId,
            ...(m.replyTo ? { replyToId: m.replyTo.id } : {}),
          });
        }
        s.upsert(saved);
        return;
      } catch (e) {
        if (!ApiError.retryable(e) || attempt >= MAX_ATTEMPTS) {
          s.patch(m, { status: 'failed' });
          s.fail(e);
          return;
        }
        await online();
        await sleep(Math.min(500 * 2 ** attempt, 15_000));
      }
    }
  }

  edit(m: ChatMessage, content: string): Promise<void> {
    return this.store.run(async () => this.store.upsert(await this.api.json<Message>('PATCH', `/messages/${m.id}`, { content })));
  }

  remove(m: ChatMessage): Promise<void> {
    return this.store.run(async () => {
      await this.api.json('DELETE', `/messages/${m.id}`);
      this.store.deleted(m);
    });
  }

  /** Adds or removes my reaction; the message shows it once the server has it (from its answer or the feed). */
  react(m: Message, emoji: string, add: boolean): Promise<void> {
    const path = `/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
    const me = this.store.me!.user.id;
    return this.store.run(async () => {
      // The server's spelling of the emoji (❤ is ❤️): the feed's events use it.
      const r = await this.api.json<{ emoji: string } | undefined>(add ? 'PUT' : 'DELETE', path);
      this.store.react({ roomId: m.roomId, messageId: m.id, emoji: r?.emoji ?? emoji, userId: me }, add);
    });
  }

  /** Tells the room I am typing, at most every 3 seconds. */
  typing(roomId: number): void {
    if (Date.now() - this.lastTyping < 3000) return;
    this.lastTyping = Date.now();
    this.api.json('POST', `/rooms/${roomId}/typing`, {}).catch(() => {});
  }

  /**
   * Opens the room tied to a host record: the one in my list, else the server's
   * (created when allowed). Rejects with the server's 404 when I may not see it.
   */
  async openContext(c: RoomContext): Promise<void> {
    const s = this.store;
    const known = s.rooms.find((r) => r.context?.type === c.type && r.context.id === c.id);
    const room = known ?? (await this.api.json<Room>('POST', '/rooms', { type: 'group', name: c.label, memberIds: [], context: c }));
    if (!known) s.addRoom(room);
    await this.sync.open(room.id);
  }

  /** Messages of my rooms (or of one) matching q, newest first, a page at a time (`before`: the last one's id). */
  search(q: string, opts: { roomId?: number; before?: number } = {}): Promise<Message[]> {
    const params = new URLSearchParams({ q, limit: '20' });
    if (opts.roomId) params.set('roomId', String(opts.roomId));
    if (opts.before) params.set('before', String(opts.before));
    return this.api.get<Message[]>(`/search?${params}`);
  }

  /** People of the directory matching q, to start a conversation with or add to one. */
  findUsers(q: string): Promise<User[]> {
    return this.api.get<User[]>(`/users?q=${encodeURIComponent(q)}&limit=20`);
  }

  /** The public channels, joined or not. */
  channels(): Promise<Room[]> {
    return this.api.get<Room[]>('/channels');
  }

  /** Opens the direct conversation with someone (created if new), a new group, or a joined channel; resolves the room, in the list. */
  async createRoom(body: { type: 'direct'; userId: number } | { type: 'group'; name: string; memberIds: number[] } | { join: number }): Promise<Room> {
    const room = 'join' in body
      ? await this.api.json<Room>('POST', `/rooms/${body.join}/join`)
      : await this.api.json<Room>('POST', '/rooms', body);
    this.store.addRoom(room);
    return room;
  }

  async rename(room: Room, name: string): Promise<void> {
    this.store.putRoom(await this.api.json<Room>('PATCH', `/rooms/${room.id}`, { name }));
  }

  /** Changes notification preferences: shown at once, put back if the server refuses. */
  async setPreferences(patch: Partial<Omit<Preferences, 'emailAvailable'>>): Promise<void> {
    const s = this.store;
    const before = s.preferences;
    if (before) s.preferences = { ...before, ...patch };
    s.changed();
    try {
      s.preferences = await this.api.json<Preferences>('PATCH', '/me/preferences', patch);
    } catch (e) {
      s.preferences = before;
      throw e;
    } finally {
      s.changed();
    }
  }

  async mute(room: Room, muted: boolean): Promise<void> {
    await this.api.json('PATCH', `/rooms/${room.id}/me`, { muted });
    this.store.setRoom(room.id, { muted });
  }

  async addMember(room: Room, userId: number): Promise<void> {
    const member = await this.api.json<Member>('POST', `/rooms/${room.id}/members`, { userId });
    this.store.setMembers(room.id, (list) => [...list.filter((m) => m.userId !== userId), member]);
  }

  /** Loads the next page of a room's members (its settings' "show more"). */
  async loadMembers(room: Room): Promise<void> {
    const s = this.store;
    const after = s.memberCursor.get(room.id);
    if (after === undefined) return;
    const page = await this.api.get<{ members: Member[]; hasMore: boolean }>(`/rooms/${room.id}/members?after=${after}&limit=${MEMBER_PAGE}`);
    s.notePresence(page.members);
    if (page.hasMore && page.members.length) s.memberCursor.set(room.id, page.members.at(-1)!.userId);
    else s.memberCursor.delete(room.id);
    const byId = new Map([...(s.details.get(room.id)?.members ?? []), ...page.members].map((m) => [m.userId, m]));
    s.setMembers(room.id, () => [...byId.values()].sort((a, b) => a.userId - b.userId));
  }

  /** The members of a room whose name or email contains q: whom to mention in a room whose members are not all loaded. */
  async searchMembers(roomId: number, q: string, limit: number): Promise<Member[]> {
    return (await this.api.get<{ members: Member[] }>(`/rooms/${roomId}/members?limit=${limit}&q=${encodeURIComponent(q)}`)).members;
  }

  async setRole(room: Room, userId: number, role: Role): Promise<void> {
    const member = await this.api.json<Member>('PATCH', `/rooms/${room.id}/members/${userId}`, { role });
    this.store.setMembers(room.id, (list) => list.map((m) => (m.userId === userId ? member : m)));
  }

  async removeMember(room: Room, userId: number): Promise<void> {
    await this.api.json('DELETE', `/rooms/${room.id}/members/${userId}`);
    this.store.setMembers(room.id, (list) => list.filter((m) => m.userId !== userId));
  }

  /** Leaves a room (a direct conversation is hidden until its next message) and goes back to the list. */
  async leave(room: Room): Promise<void> {
    await this.api.json('DELETE', `/rooms/${room.id}/members/${this.store.me!.user.id}`);
    this.store.dropRoom(room.id);
    await this.sync.open(null);
  }
}
