// A small in-page fake of the chat API (docs/api.md): window.fetch and
// XMLHttpRequest are replaced by handlers over in-memory data, /events
// answers a streaming text/event-stream Response.
import type { Member, Message, Room, User } from '../../widget/types';

export const API = 'http://chat.test/api/chat';
export const TOKEN_URL = '/host/chat-token';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An unsigned JWT (the widget never verifies tokens). */
export function jwt(claims: Record<string, unknown>): string {
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.sig`;
}

interface Logged {
  method: string;
  url: string;
  path: string;
  headers: Headers;
  body?: any;
}

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

export class FakeChat {
  me: User = { id: 1, name: 'Alice Martin' };
  perms = ['chat.read', 'chat.create', 'chat.update', 'chat.delete', 'chat.manage_rooms'];
  users: User[] = [this.me, { id: 2, name: 'Bruno Petit', email: 'bruno@example.com' }, { id: 3, name: 'Chloé Durand' }];
  rooms: Room[] = [];
  members = new Map<number, Member[]>();
  /** Public channels that I have not joined. */
  channels: Room[] = [
    { id: 20, type: 'channel', name: 'Général', createdBy: 3, createdAt: at(9999), updatedAt: at(9999), unreadCount: 0, muted: false, myRole: 'member' },
  ];
  messages: Message[] = [];
  /** GET/PATCH /me/preferences. */
  preferences = { email: 'mentions', emailDelayMinutes: 15, sound: true, emailAvailable: true };
  log: Logged[] = [];
  /** Tokens the API accepts. */
  valid = new Set<string>();
  tokenFetches = 0;
  /** When set, every API call fails as if the network were down. */
  offline = false;
  /** Ids of host records whose room exists without me. */
  foreignRecords: string[] = [];
  /** Answers a POST /messages with this status instead (e.g. 403). */
  failSend?: number;
  /** The reason and facts of the refusal of a send. */
  failFacts: Record<string, unknown> = {};
  /** When set, GET /rooms/:id/export answers this status (e.g. 429) instead of the file. */
  failExport?: number;
  /** When set, GET /events answers this status (e.g. 503) instead of a stream. */
  eventsStatus?: number;
  /** When set, changes are answered but not announced on the feed (a feed that lags behind). */
  quiet = false;
  private streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  private eventId = 0;
  private nextId = 100;
  private restore: (() => void)[] = [];

  constructor() {
    this.addRoom({ id: 10, type: 'direct', name: null }, [1, 2], [
      [2, 'Bonjour Alice', 60 * 30],
      [1, 'Bonjour Bruno', 60 * 29],
    ]);
    this.addRoom({ id: 11, type: 'group', name: 'Équipe import' }, [1, 2, 3], [[3, 'Le conteneur arrive lundi', 5]]);
    this.addRoom({ id: 12, type: 'group', name: 'Annonces', muted: true }, [1, 3], [[3, 'Réunion à 14h', 2]]);
    this.member(11, 1).lastReadMessageId = 0;
    this.member(12, 1).lastReadMessageId = 0;
  }

  addRoom(r: Partial<Room> & Pick<Room, 'id' | 'type' | 'name'>, memberIds: number[], msgs: [number, string, number][] = []) {
    this.rooms.push({ createdBy: memberIds[0], createdAt: at(9999), updatedAt: at(0), unreadCount: 0, muted: false, myRole: 'admin', ...r });
    this.members.set(
      r.id,
      memberIds.map((userId) => ({
        userId,
        name: this.user(userId).name,
        role: userId === memberIds[0] ? 'admin' : 'member',
        joinedAt: at(9999),
        lastReadAt: null,
        lastReadMessageId: null,
        muted: false,
      })),
    );
    for (const [sender, content, ago] of msgs) this.addMessage(r.id, sender, content, { createdAt: at(ago) });
    for (const m of this.members.get(r.id)!) m.lastReadMessageId = this.last(r.id)?.id ?? null;
  }

  user(id: number) {
    return this.users.find((u) => u.id === id)!;
  }

  /** A channel of `count` members (users 1000 and up, beside Alice, Bruno and Chloé), with a message of mine. */
  addBigRoom(id: number, count: number) {
    const ids = Array.from({ length: count - 3 }, (_, i) => 1000 + i);
    for (const uid of ids) this.users.push({ id: uid, name: `Membre ${uid}` });
    this.addRoom({ id, type: 'channel', name: 'Tout le monde' }, [1, 2, 3, ...ids], [[1, 'Bienvenue à tous', 1]]);
  }

  member(roomId: number, userId: number) {
    return this.members.get(roomId)!.find((m) => m.userId === userId)!;
  }

  last(roomId: number) {
    return this.messages.filter((m) => m.roomId === roomId).at(-1);
  }

  addMessage(roomId: number, senderId: number, content: string, extra: Partial<Message> = {}): Message {
    const m: Message = {
      id: this.nextId++,
      roomId,
      senderId,
      senderName: this.user(senderId).name,
      content,
      type: 'text',
      attachments: [],
      createdAt: new Date().toISOString(),
      clientId: null,
      ...extra,
    };
    this.messages.push(m);
    return m;
  }

  /** A message from someone else, as the server would store and announce it. */
  receive(roomId: number, senderId: number, content: string): Message {
    const m = this.addMessage(roomId, senderId, content);
    this.push('message.created', m);
    return m;
  }

  roomFor(r: Room): Room {
    const mine = this.member(r.id, this.me.id);
    const msgs = this.messages.filter((m) => m.roomId === r.id);
    return {
      ...r,
      // Direct rooms have no name: the list needs their members to show the other person.
      ...(r.type === 'direct' ? { members: this.members.get(r.id) } : {}),
      lastMessage: msgs.at(-1) ?? null,
      unreadCount: msgs.filter((m) => m.senderId !== this.me.id && m.type !== 'system' && m.id > (mine.lastReadMessageId ?? 0)).length,
      mentionCount: msgs.filter((m) => m.senderId !== this.me.id && !m.deletedAt && m.mentions?.includes(this.me.id) && m.id > (mine.lastReadMessageId ?? 0)).length,
      memberCount: this.members.get(r.id)!.length,
      lastReadMessageId: mine.lastReadMessageId,
    };
  }

  /** Adds or removes someone's reaction, announced as the server does; answers as PUT or DELETE would. */
  react(msg: Message, emoji: string, userId: number, add: boolean): Response {
    const list = (msg.reactions ??= []);
    const r = list.find((x) => x.emoji === emoji);
    const had = !!r?.userIds.includes(userId);
    if (add && !had) r ? r.userIds.push(userId) : list.push({ emoji, userIds: [userId] });
    if (!add && r) r.userIds = r.userIds.filter((id) => id !== userId);
    msg.reactions = list.filter((x) => x.userIds.length);
    if (add !== had) this.push(add ? 'reaction.added' : 'reaction.removed', { roomId: msg.roomId, messageId: msg.id, emoji, userId });
    if (!add) return new Response(null, { status: 204 });
    const now = msg.reactions.find((x) => x.emoji === emoji)!;
    return this.json({ roomId: msg.roomId, messageId: msg.id, emoji, userIds: now.userIds }, had ? 200 : 201);
  }

  /** Sends an event to every open stream; returns its id. */
  push(type: string, data: unknown, id = String(++this.eventId)): string {
    if (this.quiet && type !== 'presence') return id;
    const text = `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.streams) c.enqueue(new TextEncoder().encode(text));
    return id;
  }

  /** Writes raw bytes to every open stream. */
  pushRaw(text: string) {
    for (const c of this.streams) c.enqueue(new TextEncoder().encode(text));
  }

  /** Ends every open stream, as a proxy or a server restart would. */
  dropStreams() {
    for (const c of this.streams.splice(0)) c.close();
  }

  get openStreams() {
    return this.streams.length;
  }

  requests(method: string, path: string | RegExp) {
    return this.log.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  install(): this {
    // Each test starts as a new tab session: nothing kept from the previous test's widget.
    sessionStorage.clear();
    const realFetch = window.fetch;
    const realXhr = window.XMLHttpRequest;
    window.fetch = (input, init) => this.handle(new Request(input, init));
    const fake = this;
    // Just enough of XMLHttpRequest for ChatApi.upload().
    window.XMLHttpRequest = class {
      upload: { onprogress?: (e: ProgressEvent) => void } = {};
      status = 0;
      responseText = '';
      onload?: () => void;
      onerror?: () => void;
      private method = '';
      private url = '';
      private headers = new Headers();
      open(method: string, url: string) {
        this.method = method;
        this.url = url;
      }
      setRequestHeader(k: string, v: string) {
        this.headers.set(k, v);
      }
      async send(body: FormData) {
        this.upload.onprogress?.(new ProgressEvent('progress', { lengthComputable: true, loaded: 1, total: 2 }));
        const res = await fake.handle(new Request(this.url, { method: this.method, headers: this.headers, body }));
        if (res.status === 0) return this.onerror?.();
        this.status = res.status;
        this.responseText = await res.text();
        this.onload?.();
      }
    } as unknown as typeof XMLHttpRequest;
    this.restore.push(() => {
      window.fetch = realFetch;
      window.XMLHttpRequest = realXhr;
      this.dropStreams();
    });
    return this;
  }

  uninstall() {
    for (const r of this.restore.splice(0)) r();
  }

  private json(body: unknown, status = 200) {
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }

  /** A problem+json answer as the server words it: code from the status, a reason and facts when given. */
  private problem(status: number, detail = '', facts: Record<string, unknown> = {}) {
    const codes: Record<number, string> = { 400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 413: 'too-large', 415: 'unsupported-type', 429: 'rate-limited' };
    const code = codes[status] ?? (status >= 500 ? 'internal' : 'bad-request');
    return new Response(JSON.stringify({ type: `urn:ipp-chat:problem:${code}`, code, title: 'Error', status, detail, ...facts }), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });
  }

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url, location.href);
    // The emoji picker's data, from beside the widget's scripts (no token).
    if (url.pathname.startsWith('/ipp-chat-emoji/')) {
      this.log.push({ method: req.method, url: url.href, path: url.pathname, headers: req.headers });
      return new Response(JSON.stringify(EMOJI_DATA), { headers: { 'content-type': 'application/json', etag: '"emoji-1"' } });
    }
    if (url.pathname === TOKEN_URL) {
      this.tokenFetches++;
      const token = jwt({ sub: '1', exp: Math.floor(Date.now() / 1000) + 3600, n: this.tokenFetches });
      this.valid.add(token);
      return this.json({ token });
    }
    if (this.offline) throw new TypeError('Failed to fetch');
    const path = url.href.slice(API.length).split('?')[0];
    const type = req.headers.get('content-type') ?? '';
    const body = type.includes('json') ? await req.json() : type.includes('multipart') ? await req.formData() : undefined;
    this.log.push({ method: req.method, url: url.href, path, headers: req.headers, body });
    const token = req.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (!this.valid.has(token)) return this.problem(401, 'invalid_token');
    return this.route(req, url, path, body);
  }

  private route(req: Request, url: URL, path: string, body: any): Response {
    const q = url.searchParams;
    const m = req.method;
    let match: RegExpMatchArray | null;
    if (m === 'GET' && path === '/me') return this.json({ user: this.me, perms: this.perms });
    if (m === 'GET' && path === '/me/preferences') return this.json(this.preferences);
    if (m === 'PATCH' && path === '/me/preferences') {
      const { email = this.preferences.email, emailDelayMinutes = this.preferences.emailDelayMinutes, sound = this.preferences.sound } = body;
      if (!['off', 'mentions', 'all'].includes(email) || !Number.isInteger(emailDelayMinutes) || emailDelayMinutes < 5 || emailDelayMinutes > 1440) return this.problem(400);
      this.preferences = { ...this.preferences, email, emailDelayMinutes, sound };
      return this.json(this.preferences);
    }
    if (m === 'GET' && path === '/rooms') return this.json(this.rooms.map((r) => this.roomFor(r)));
    if (m === 'GET' && path === '/users') {
      const s = (q.get('q') ?? '').toLowerCase();
      return this.json(this.users.filter((u) => u.name.toLowerCase().includes(s)));
    }
    if (m === 'GET' && path === '/events') return this.stream(req);
    if (m === 'GET' && path === '/search') {
      const words = (q.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const before = Number(q.get('before') ?? Infinity);
      const mine = new Set(this.rooms.map((r) => r.id));
      const found = this.messages
        .filter((x) => mine.has(x.roomId) && x.id < before && x.type !== 'system' && (!q.get('roomId') || x.roomId === Number(q.get('roomId'))))
        .filter((x) => words.every((w) => x.content.toLowerCase().includes(w)))
        .reverse();
      return this.json(found.slice(0, Number(q.get('limit') ?? 20)));
    }
    if (m === 'GET' && path === '/channels') return this.json(this.channels);
    if ((match = path.match(/^\/rooms\/(\d+)\/join$/)) && m === 'POST') {
      const channel = this.channels.find((c) => c.id === +match![1]);
      if (!channel) return this.problem(404);
      this.channels = this.channels.filter((c) => c !== channel);
      this.addRoom(channel, [channel.createdBy, this.me.id]);
      return this.json(this.roomFor(this.rooms.at(-1)!));
    }
    if (m === 'POST' && path === '/rooms') {
      const existing =
        body.type === 'direct' && this.rooms.find((r) => r.type === 'direct' && this.members.get(r.id)!.some((x) => x.userId === body.userId));
      if (existing) return this.json(this.roomFor(existing), 200);
      // The record's room exists and I am not in it (this.foreignRecords): 404, as the server answers.
      if (body.context && this.foreignRecords.includes(body.context.id)) return this.problem(404, 'room not found');
      const id = this.nextId++;
      this.addRoom({ id, type: body.type, name: body.name ?? null, ...(body.context ? { context: body.context } : {}) }, [this.me.id, ...(body.memberIds ?? [body.userId])]);
      return this.json(this.roomFor(this.rooms.at(-1)!), 201);
    }
    if ((match = path.match(/^\/rooms\/(\d+)$/))) {
      const r = this.rooms.find((x) => x.id === +match![1]);
      if (!r) return this.problem(404);
      if (m === 'PATCH') {
        r.name = body.name;
        this.push('room.updated', this.roomFor(r));
      }
      // As the server answers: the first 100 members by user id, and how far everyone has read.
      const members = [...this.members.get(r.id)!].sort((a, b) => a.userId - b.userId);
      const marks = members.map((x) => x.lastReadMessageId);
      const allRead = marks.some((x) => x == null) ? null : Math.min(...(marks as number[]));
      return this.json({ ...this.roomFor(r), members: members.slice(0, 100), allReadMessageId: allRead });
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/members$/)) && m === 'GET') {
      const limit = Number(q.get('limit') ?? 100);
      const words = (q.get('q') ?? '').toLowerCase();
      const after = [...this.members.get(+match[1])!].sort((a, b) => a.userId - b.userId)
        .filter((x) => x.userId > Number(q.get('after') ?? 0) && x.name.toLowerCase().includes(words));
      return this.json({ members: after.slice(0, limit), hasMore: after.length > limit });
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/me$/)) && m === 'PATCH') {
      const r = this.rooms.find((x) => x.id === +match![1])!;
      r.muted = body.muted;
      return this.json(this.roomFor(r));
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/members(?:\/(\d+))?$/))) {
      const [roomId, userId] = [+match[1], +(match[2] ?? body.userId)];
      const list = this.members.get(roomId)!;
      if (m === 'DELETE') this.members.set(roomId, list.filter((x) => x.userId !== userId));
      else if (m === 'PATCH') this.member(roomId, userId).role = body.role;
      else list.push({ userId, name: this.user(userId).name, role: 'member', joinedAt: '', lastReadAt: null, lastReadMessageId: null, muted: false });
      this.push(m === 'DELETE' ? 'member.removed' : m === 'PATCH' ? 'room.updated' : 'member.added', { roomId, userId });
      // As the server answers: the member added (201) or changed (200), nothing for a removal (204).
      return m === 'DELETE' ? new Response(null, { status: 204 }) : this.json(this.member(roomId, userId), m === 'POST' ? 201 : 200);
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/messages$/))) {
      const roomId = +match[1];
      if (m === 'GET') {
        const limit = Number(q.get('limit') ?? 50);
        const room = this.messages.filter((x) => x.roomId === roomId);
        if (q.has('around')) {
          const i = room.findIndex((x) => x.id === Number(q.get('around')));
          if (i < 0) return this.problem(404);
          const from = Math.max(0, i - Math.floor((limit - 1) / 2));
          const page = room.slice(from, from + limit);
          return this.json({ messages: page, hasMore: from > 0, hasNewer: from + limit < room.length });
        }
        if (q.has('after')) {
          const newer = room.filter((x) => x.id > Number(q.get('after')));
          return this.json({ messages: newer.slice(0, limit), hasMore: newer.length > limit });
        }
        const before = Number(q.get('before') ?? Infinity);
        const all = room.filter((x) => x.id < before);
        return this.json({ messages: all.slice(-limit), hasMore: all.length > limit });
      }
      if (this.failSend) return this.problem(this.failSend, 'refused', this.failFacts);
      const fields = body instanceof FormData ? Object.fromEntries(body) : body;
      const dup = this.messages.find((x) => x.clientId === fields.clientId && x.senderId === this.me.id);
      if (dup) return this.json(dup, 200);
      const files = body instanceof FormData ? (body.getAll('files') as File[]) : [];
      const saved = this.addMessage(roomId, this.me.id, fields.content, {
        clientId: fields.clientId,
        attachments: files.map((f, i) => ({
          id: this.nextId + i,
          fileName: f.name,
          size: f.size,
          mimeType: f.type,
          extension: f.name.split('.').pop()!,
          url: `/api/chat/attachments/${this.nextId + i}`,
        })),
      });
      this.push('message.created', saved);
      return this.json(saved, 201);
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/read$/)) && m === 'POST') {
      const roomId = +match[1];
      this.member(roomId, this.me.id).lastReadMessageId = body.messageId;
      this.push('read', { roomId, userId: this.me.id, messageId: body.messageId, readAt: new Date().toISOString() });
      return new Response(null, { status: 204 });
    }
    if (path.match(/^\/rooms\/\d+\/typing$/)) return new Response(null, { status: 204 });
    if ((match = path.match(/^\/messages\/(\d+)$/))) {
      const msg = this.messages.find((x) => x.id === +match![1])!;
      if (m === 'PATCH') Object.assign(msg, { content: body.content, editedAt: new Date().toISOString() });
      else Object.assign(msg, { content: '', attachments: [], deletedAt: new Date().toISOString() });
      this.push(m === 'PATCH' ? 'message.updated' : 'message.deleted', msg);
      return m === 'PATCH' ? this.json(msg) : new Response(null, { status: 204 });
    }
    if ((match = path.match(/^\/messages\/(\d+)\/reactions\/([^/]+)$/))) {
      const msg = this.messages.find((x) => x.id === +match![1]);
      if (!msg) return this.problem(404);
      return this.react(msg, decodeURIComponent(match[2]), this.me.id, m === 'PUT');
    }
    if ((match = path.match(/^\/rooms\/(\d+)\/export$/)) && m === 'GET') {
      if (!this.rooms.some((r) => r.id === +match![1])) return this.problem(404, 'No such room.');
      if (this.failExport) return this.problem(this.failExport, 'refused', this.failExport === 429 ? { reason: 'exports', retryAfter: 42 } : {});
      const format = q.get('format');
      if (format !== 'xlsx' && format !== 'pdf') return this.problem(400, 'format');
      const type = format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      return new Response(new Blob([format === 'pdf' ? '%PDF-1.3 export' : 'PK export'], { type }), {
        headers: { 'content-type': type, 'content-disposition': `attachment; filename="equipe-import-2026-05-04.${format}"; filename*=UTF-8''%C3%89quipe%20import%202026-05-04.${format}` },
      });
    }
    if (path.startsWith('/attachments/')) return new Response(new Blob([PNG], { type: 'image/png' }));
    return this.problem(404, `${m} ${path}`);
  }

  private stream(req: Request): Response {
    if (this.eventsStatus) return Response.json({ code: 'unavailable' }, { status: this.eventsStatus, headers: { 'content-type': 'application/problem+json' } });
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        ctrl = c;
        this.streams.push(c);
      },
    });
    req.signal.addEventListener('abort', () => {
      this.streams = this.streams.filter((c) => c !== ctrl);
      ctrl.error(new DOMException('aborted', 'AbortError'));
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  }
}

/** A few emoji in the data format of the emoji picker (emoji-picker-element-data), for its search and its grid. */
export const EMOJI_DATA = [
  { annotation: 'visage souriant', emoji: '😀', group: 0, order: 1, shortcodes: ['sourire'], tags: ['sourire', 'visage'], version: 1 },
  { annotation: 'visage riant aux larmes', emoji: '😂', group: 0, order: 2, shortcodes: ['rire'], tags: ['rire', 'larmes'], version: 0.6 },
  {
    annotation: 'pouce vers le haut', emoji: '👍', group: 1, order: 3, shortcodes: ['pouce'], tags: ['ok', 'pouce'], version: 0.6,
    skins: [{ tone: 1, emoji: '👍🏻', version: 1 }, { tone: 5, emoji: '👍🏿', version: 1 }],
  },
  { annotation: 'fusée', emoji: '🚀', group: 5, order: 4, shortcodes: ['fusee'], tags: ['espace', 'fusée'], version: 0.6 },
];

/** A 1×1 PNG. */
export const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

/** Resolves when `check` returns a truthy value (polled), or fails after `ms`. */
export async function until<T>(check: () => T, what = 'condition', ms = 3000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
