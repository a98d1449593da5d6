import type { PropertyValues, ReactiveController } from 'lit';
import { ChatApi } from './api';
import { ChatActions } from './chat-actions';
import { restore, snapshot } from './chat-snapshot';
import { ChatStore } from './chat-store';
import { ChatSync } from './chat-sync';
import { ContinuityController } from './continuity-controller';
import { savedKey } from './saved';
import { sleep } from './event-stream';
import { emit } from './events';
import type { IppChat } from './ipp-chat';
import type { IppChatPanel } from './ipp-chat-panel';
import { LiveController } from './live-controller';
import { plainText } from './mention-text';
import { chime, desktopNotify } from './notify';
import { TokenController, tokenClaims } from './token-controller';
import type { Message, Room } from './types';

const TITLE_COUNT = /^\(\d+\) /;

/**
 * A signed-in `<ipp-chat>`'s session, loaded right after the launcher: the
 * store, its sync with the server and the user's actions, the token, the live
 * feed, the state carried from page to page and the notifications; it loads
 * the panel's elements on first open, or when the browser is idle.
 */
export class ChatSession implements ReactiveController {
  readonly store: ChatStore;
  readonly sync: ChatSync;
  readonly actions: ChatActions;
  readonly live: LiveController;
  /** The API client of the current run. */
  client?: ChatApi;
  private tokens: TokenController;
  private continuity: ContinuityController;
  private reportedUnread = 0;
  private reportedRoom: number | null = null;
  private panelLoaded?: Promise<unknown>;

  constructor(private host: IppChat) {
    host.addController(this);
    this.store = new ChatStore(host);
    this.sync = new ChatSync(host, this.store);
    this.actions = new ChatActions(this.store, this.sync);
    this.tokens = new TokenController(host, () => ({ token: host.token, tokenUrl: host.tokenUrl }));
    this.live = new LiveController(host, (e) => this.sync.apply(e));
    this.continuity = new ContinuityController(
      host,
      () => savedKey(host.api),
      () => {
        const store = snapshot(this.store);
        // An event id is kept only with a state that reflects every event up to it.
        // The conversation page is always open: the floating panel of the next page is not.
        return store && { user: store.me.user.id, open: host.open && host.mode !== 'page', lastEventId: this.sync.settled ? this.live.lastId : undefined, store };
      },
      () => this.store.pending,
    );
    this.store.onIncoming = (m, room) => this.incoming(m, room);
    this.connect();
  }

  hostDisconnected(): void {
    if (this.host.titleBadge) document.title = document.title.replace(TITLE_COUNT, '');
  }

  /** The unread total of unmuted rooms, for the launcher. */
  get unreadTotal(): number {
    return this.store.unreadTotal;
  }

  /** Reacts to the element's changes (its willUpdate). */
  willUpdate(changed: PropertyValues<IppChat>): void {
    const host = this.host;
    // A new API or token source starts a new session; a new static token is simply used from now on.
    if (changed.has('api') || changed.has('tokenUrl')) this.connect();
    // The host moved to another room's URL (history navigation): show it.
    if (changed.has('room') && changed.get('room') !== undefined && this.store.me && (host.room ?? null) !== this.store.roomId) void this.sync.open(host.room ?? null);
    if (host.open) void this.loadPanel();
    this.sync.visible = host.open && document.visibilityState === 'visible';
  }

  /** Tells the host page what changed (the element's updated). */
  updated(): void {
    const host = this.host;
    if (this.store.roomId !== this.reportedRoom && this.store.me) {
      this.reportedRoom = this.store.roomId;
      emit(host, 'ipp-chat-room', { roomId: this.store.roomId });
    }
    const count = this.store.unreadTotal;
    if (count !== this.reportedUnread) {
      this.reportedUnread = count;
      emit(host, 'ipp-chat-unread', { count });
    }
    if (host.titleBadge) {
      const title = document.title.replace(TITLE_COUNT, '');
      const next = count ? `(${count}) ${title}` : title;
      if (document.title !== next) document.title = next;
    }
  }

  /** Loads the panel's elements (once). */
  private loadPanel(): Promise<unknown> {
    return (this.panelLoaded ??= import('./ipp-chat-panel').then(() => this.host.requestUpdate()));
  }

  /** Starts (again) with the element's API and token source, when it has both. */
  connect(): void {
    const host = this.host;
    if (host.isConnected && host.api && (host.token || host.tokenUrl)) void this.run();
  }

  private async run() {
    const host = this.host;
    const client = (this.client = new ChatApi(host.api, this.tokens));
    this.sync.begin(client);
    // Removed from the page, or given another API, while loading: this session is over.
    const current = () => host.isConnected && client === this.client;
    // The previous page's state, shown at once when it was this user's (the token says who).
    const sub = Number(tokenClaims(await this.tokens.get().catch(() => '')).sub);
    const saved = sub > 0 ? this.continuity.read(sub) : undefined;
    if (!current()) return;
    if (saved) {
      restore(this.store, saved.store);
      host.open = saved.open;
      // The page's address says which room is open, not the previous page.
      if (host.mode === 'page') this.store.roomId = host.room && this.store.pages.has(host.room) ? host.room : null;
    }
    for (let delay = 2000; ; delay = Math.min(delay * 2, 60_000)) {
      await this.sync.load(!!saved);
      if (!current()) return;
      if (this.store.me) break;
      await sleep(delay);
    }
    // The feed replays what happened since the previous page, or since the list was read; when it cannot,
    // the list and room are fetched again.
    const from = saved ? saved.lastEventId : client.listedAt;
    const replayed = await this.live.start(client, this.store.me!.user.id, from);
    if ((saved || from) && !replayed) await this.sync.refresh();
    this.actions.resend();
    // The page's room (page mode), once the list is known.
    if (host.room && host.room !== this.store.roomId) await this.sync.open(host.room);
    // The panel is what a first open needs: fetched while nothing else happens.
    const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 2000));
    idle(() => void this.loadPanel());
  }

  /** Opens a room when `roomId` is set, once the panel is there, and moves the focus into it. */
  async show(roomId?: number): Promise<void> {
    const opening = roomId !== undefined ? this.sync.open(roomId) : undefined;
    await this.loadPanel();
    await opening;
    await this.host.updateComplete;
    const panel = this.host.renderRoot.querySelector<IppChatPanel>('#panel');
    await panel?.updateComplete;
    panel?.focusView();
  }

  // A mention of me notifies even in a muted room, and on the desktop even while the page is in front.
  private incoming(m: Message, room: Room | undefined) {
    const host = this.host;
    const t = host.strings;
    const onScreen = this.sync.visible && this.store.roomId === m.roomId;
    const text = plainText(m, (id) => this.store.nameOf(id), t.everyone) || t.attachment;
    const mention = !!m.mentions?.includes(this.store.me!.user.id);
    if (room?.muted && !onScreen && !mention) return;
    const title = mention ? t.mentionedBy(m.senderName) : t.newMessageFrom(m.senderName);
    host.announcement = onScreen ? `${m.senderName}: ${text}` : title;
    if (onScreen) return;
    if (!host.silent && this.store.preferences?.sound !== false) chime();
    if (mention || document.visibilityState === 'hidden') desktopNotify(title, text, () => void host.show(m.roomId));
  }
}
