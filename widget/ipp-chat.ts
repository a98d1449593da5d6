import { provide } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ChatApi } from './api';
import { ChatActions } from './chat-actions';
import { restore, snapshot } from './chat-snapshot';
import { ChatStore } from './chat-store';
import { ChatSync } from './chat-sync';
import { ContinuityController } from './continuity-controller';
import { actionsContext, apiContext, i18nContext } from './context';
import { sleep } from './event-stream';
import { emit } from './events';
import { createI18n, defaultI18n, pickLang, type I18n } from './i18n';
import { icon } from './icons';
import type { IppChatPanel } from './ipp-chat-panel';
import { LiveController } from './live-controller';
import { chime, desktopNotify, unlockSound } from './notify';
import { plainText } from './mention-text';
import { PARTS } from './parts';
import { shared, tokens } from './styles';
import { TokenController, tokenClaims } from './token-controller';
import type { Message, Room, RoomContext } from './types';

const TITLE_COUNT = /^\(\d+\) /;

/**
 * The messenger. In `float` mode (the default): a launcher button
 * bottom-right with the unread total, and a panel (`<ipp-chat-panel>`, loaded
 * on first use) with the conversation list or one conversation. In `page`
 * mode: the conversation page, list and conversation side by side filling its
 * container (one pane on phones); a floating `<ipp-chat>` of the same page
 * then stays out of the way. It owns the widget's state (the store, the sync
 * with the server, the user's actions, the token, the live feed) and provides
 * the API client, the actions and the strings to the elements inside.
 *
 * @fires ipp-chat-unread - `{count}`: the unread total (muted rooms excluded) changed.
 * @fires ipp-chat-room - `{roomId}`: the open room changed (null: none), so that a host page can keep its URL in step.
 * @csspart launcher - the round button that opens and closes the panel.
 * @csspart badge - the unread count on the launcher (and its "@" when a message mentions me).
 * @csspart mention - the "@" on the launcher: unread messages mention me, in a muted room too.
 * @csspart panel - the chat panel.
 * @csspart header - the title bar of each view.
 * @csspart room - a row of the conversation list.
 * @csspart bubble - a message bubble.
 * @csspart input - the message text area.
 * @csspart thumbnail - an image attachment's preview.
 * @csspart file - a file attachment's chip.
 * @cssproperty --ipp-chat-primary - header and own-message colour (navy).
 * @cssproperty --ipp-chat-accent - launcher, badges and primary buttons (orange).
 * @cssproperty --ipp-chat-on-primary - text on the primary colour.
 * @cssproperty --ipp-chat-on-accent - text on the accent colour.
 * @cssproperty --ipp-chat-background - panel background.
 * @cssproperty --ipp-chat-surface - secondary background (bubbles, hover).
 * @cssproperty --ipp-chat-text - text colour.
 * @cssproperty --ipp-chat-muted - secondary text colour.
 * @cssproperty --ipp-chat-border - borders.
 * @cssproperty --ipp-chat-bubble-mine - background of my messages.
 * @cssproperty --ipp-chat-radius - corner radius of the panel.
 * @cssproperty --ipp-chat-font - font family.
 * @cssproperty --ipp-chat-width - panel width (380px).
 * @cssproperty --ipp-chat-height - panel height (600px).
 * @cssproperty --ipp-chat-offset - distance from the viewport's edges (20px).
 * @cssproperty --ipp-chat-z-index - stacking level (2147483000).
 */
@customElement('ipp-chat')
export class IppChat extends LitElement {
  static override styles = [
    tokens,
    shared,
    css`
      :host {
        position: fixed;
        right: var(--ipp-chat-offset, 20px);
        bottom: var(--ipp-chat-offset, 20px);
        z-index: var(--ipp-chat-z-index, 2147483000);
        font-size: 14px;
        line-height: 1.4;
        text-align: start;
      }
      :host([mode='page']) {
        position: relative;
        inset: auto;
        z-index: auto;
        display: block;
        height: 100%;
        min-height: 420px;
      }
      :host([hidden]) {
        display: none;
      }
      .launcher {
        position: relative;
        width: 56px;
        height: 56px;
        border-radius: 50%;
        background: var(--ipp-primary);
        color: var(--ipp-on-primary);
        box-shadow: 0 4px 14px rgb(0 0 0 / 0.25);
        display: grid;
        place-items: center;
      }
      .launcher:hover {
        background: var(--ipp-primary);
        filter: brightness(1.15);
      }
      .launcher .badge {
        position: absolute;
        top: -4px;
        right: -4px;
      }
      .launcher .at {
        right: auto;
        left: -4px;
      }
      .launcher .icon {
        width: 28px;
        height: 28px;
      }
      #panel {
        position: fixed;
        right: var(--ipp-chat-offset, 20px);
        bottom: calc(var(--ipp-chat-offset, 20px) + 68px);
        width: min(var(--ipp-chat-width, 380px), calc(100vw - 2 * var(--ipp-chat-offset, 20px)));
        height: min(var(--ipp-chat-height, 600px), calc(100vh - 110px));
        border: 1px solid var(--ipp-border);
        border-radius: var(--ipp-radius);
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
      }
      :host([mode='page']) #panel {
        position: absolute;
        inset: 0;
        width: auto;
        height: auto;
        box-shadow: none;
      }
      @media (max-width: 480px) {
        :host(:not([mode='page'])) #panel {
          inset: 0;
          width: 100vw;
          height: 100dvh;
          border-radius: 0;
          border: 0;
        }
      }
    `,
  ];

  /** Base URL of the chat API, e.g. `https://chat.example/api/chat`. */
  @property() api = '';
  /** Host route answering `{token}` for the session's user (fetched with cookies). */
  @property({ attribute: 'token-url' }) tokenUrl = '';
  /** A static token, instead of `token-url`. */
  @property() token = '';
  /** UI language, `fr` (default) or `en`; the page's `lang` when unset. */
  @property() override lang = '';
  /** Whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'light';
  /** When set, the page title is prefixed with the unread total, e.g. "(3) Dossiers". */
  @property({ type: Boolean, attribute: 'title-badge' }) titleBadge = false;
  /** When set, no sound plays for new messages. */
  @property({ type: Boolean }) silent = false;
  /** The kind of host record this page shows, e.g. `invoice`: with `context-id` and `context-label`, offers its conversation. */
  @property({ attribute: 'context-type' }) contextType = '';
  /** The record's id, e.g. `2025-0042`. */
  @property({ attribute: 'context-id' }) contextId = '';
  /** The record's name for people, e.g. "Facture 2025-0042". */
  @property({ attribute: 'context-label' }) contextLabel = '';
  /** The record's page (a path or an http(s) URL), linked from the room's header. */
  @property({ attribute: 'context-url' }) contextUrl = '';
  /** `float` (default): the launcher and its panel; `page`: the conversation page, filling its container. */
  @property({ reflect: true }) mode: 'float' | 'page' = 'float';
  /** The room to show first (page mode): e.g. from the host page's URL, `/chat/12`. */
  @property({ type: Number }) room?: number;

  @provide({ context: apiContext }) client?: ChatApi;
  @provide({ context: i18nContext }) i18n: I18n = defaultI18n;

  @state() private announcement = '';

  @query('.launcher') private launcher!: HTMLButtonElement;
  @query('#panel') private panel?: IppChatPanel;

  private store = new ChatStore(this);
  private sync = new ChatSync(this, this.store);
  @provide({ context: actionsContext }) actions = new ChatActions(this.store, this.sync);
  private tokens = new TokenController(this, () => ({ token: this.token, tokenUrl: this.tokenUrl }));
  private live = new LiveController(this, (e) => this.sync.apply(e));
  private continuity = new ContinuityController(
    this,
    () => `ipp-chat:${new URL(this.api, location.href).href}`,
    () => {
      const store = snapshot(this.store);
      // An event id is kept only with a state that reflects every event up to it.
      // The conversation page is always open: the floating panel of the next page is not.
      return store && { user: store.me.user.id, open: this.open && this.mode !== 'page', lastEventId: this.sync.settled ? this.live.lastId : undefined, store };
    },
    () => this.store.pending,
  );
  private reportedUnread = 0;
  private reportedRoom: number | null = null;
  /** The panel's module, loaded on first open (or when the browser is idle): what every page pays is the launcher. */
  private panelLoaded?: Promise<unknown>;

  constructor() {
    super();
    this.store.onIncoming = (m, room) => this.incoming(m, room);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The conversation page has its own element: the floating one of the same page stays out of the way.
    this.hidden = this.mode !== 'page' && !!document.querySelector('ipp-chat[mode="page"]');
    if (this.hidden) return;
    document.addEventListener('visibilitychange', this.onVisibility);
    // The widget may be re-attached: start again with the same attributes.
    if (this.client) this.connect();
  }

  /** Loads the panel's elements (once). */
  private loadPanel(): Promise<unknown> {
    return (this.panelLoaded ??= import('./ipp-chat-panel'));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.titleBadge) document.title = document.title.replace(TITLE_COUNT, '');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.hidden) return;
    if (changed.has('lang')) this.i18n = createI18n(pickLang(this.lang, document.documentElement.lang));
    if (this.mode === 'page') this.open = true;
    // A new API or token source starts a new session; a new static token is simply used from now on.
    const newSource = changed.has('api') || changed.has('tokenUrl') || (changed.has('token') && !this.client);
    if (newSource && this.api && (this.token || this.tokenUrl)) void this.connect();
    // The host moved to another room's URL (history navigation): show it.
    if (changed.has('room') && changed.get('room') !== undefined && this.store.me && (this.room ?? null) !== this.store.roomId) void this.sync.open(this.room ?? null);
    if (this.open) void this.loadPanel();
    this.sync.visible = this.open && document.visibilityState === 'visible';
  }

  protected override updated(): void {
    if (this.hidden) return;
    if (this.store.roomId !== this.reportedRoom && this.store.me) {
      this.reportedRoom = this.store.roomId;
      emit(this, 'ipp-chat-room', { roomId: this.store.roomId });
    }
    const count = this.store.unreadTotal;
    if (count !== this.reportedUnread) {
      this.reportedUnread = count;
      emit(this, 'ipp-chat-unread', { count });
    }
    if (this.titleBadge) {
      const title = document.title.replace(TITLE_COUNT, '');
      const next = count ? `(${count}) ${title}` : title;
      if (document.title !== next) document.title = next;
    }
  }

  private async connect() {
    const client = (this.client = new ChatApi(this.api, this.tokens));
    this.sync.begin(client);
    // Removed from the page, or given another API, while loading: this session is over.
    const current = () => this.isConnected && client === this.client;
    // The previous page's state, shown at once when it was this user's (the token says who).
    const sub = Number(tokenClaims(await this.tokens.get().catch(() => '')).sub);
    const saved = sub > 0 ? this.continuity.read(sub) : undefined;
    if (!current()) return;
    if (saved) {
      restore(this.store, saved.store);
      this.open = saved.open;
      // The page's address says which room is open, not the previous page.
      if (this.mode === 'page') this.store.roomId = this.room && this.store.pages.has(this.room) ? this.room : null;
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
    if (this.room && this.room !== this.store.roomId) await this.sync.open(this.room);
    // The panel is what a first open needs: fetched while nothing else happens.
    const idle = (globalThis as { requestIdleCallback?: (f: () => void) => void }).requestIdleCallback ?? ((f: () => void) => setTimeout(f, 2000));
    idle(() => void this.loadPanel());
  }

  /** The record of the page, when the host gave one. */
  get context(): RoomContext | undefined {
    const { contextType: type, contextId: id, contextLabel: label, contextUrl: url } = this;
    return type && id && label ? { type, id, label, ...(url ? { url } : {}) } : undefined;
  }

  /** Opens the panel, and a given room when `roomId` is set. */
  async show(roomId?: number): Promise<void> {
    this.open = true;
    const opening = roomId !== undefined ? this.sync.open(roomId) : undefined;
    await this.loadPanel();
    await opening;
    await this.updateComplete;
    await this.panel?.updateComplete;
    this.panel?.focusView();
  }

  /** Closes the panel and gives the focus back to the launcher. */
  async hide(): Promise<void> {
    this.open = false;
    await this.updateComplete;
    this.launcher.focus();
  }

  /** Closes the panel and gives the focus back to the launcher (the page itself stays open). */
  private close = () => {
    if (this.mode !== 'page') void this.hide();
  };

  private toggle() {
    unlockSound();
    if (this.open) void this.hide();
    else void this.show();
  }

  // willUpdate tells the store whether the room is on screen, which marks it read when it appears.
  private onVisibility = () => this.requestUpdate();

  // A mention of me notifies even in a muted room, and on the desktop even while the page is in front.
  private incoming(m: Message, room: Room | undefined) {
    const t = this.i18n.t;
    const onScreen = this.sync.visible && this.store.roomId === m.roomId;
    const text = plainText(m, (id) => this.store.nameOf(id), t.everyone) || t.attachment;
    const mention = !!m.mentions?.includes(this.store.me!.user.id);
    if (room?.muted && !onScreen && !mention) return;
    const title = mention ? t.mentionedBy(m.senderName) : t.newMessageFrom(m.senderName);
    this.announcement = onScreen ? `${m.senderName}: ${text}` : title;
    if (onScreen) return;
    if (!this.silent) chime();
    if (mention || document.visibilityState === 'hidden') desktopNotify(title, text, () => void this.show(m.roomId));
  }

  override render() {
    if (this.hidden) return nothing;
    if (this.mode === 'page') return html`<div class="sr-only" role="status" aria-live="polite" lang=${this.i18n.lang}>${this.announcement}</div>${this.renderPanel()}`;
    const { t, lang } = this.i18n;
    const count = this.store.unreadTotal;
    const mentioned = this.store.mentioned;
    const action = this.open ? t.close : t.open;
    const label = `${count ? `${action}, ${t.unread(count)}` : action}${mentioned ? `, ${t.mentioned}` : ''}`;
    // Escape on the launcher closes too: the focus may not have reached the panel, still loading, yet.
    return html`
      <div class="sr-only" role="status" aria-live="polite" lang=${lang}>${this.announcement}</div>
      <button class="launcher" part="launcher" lang=${lang} aria-label=${label} aria-expanded=${this.open} aria-controls="panel" @click=${this.toggle}
        @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.open && void this.hide()}>
        ${icon('chat')}
        ${count ? html`<span class="badge" part="badge" aria-hidden="true">${count > 99 ? '99+' : count}</span>` : nothing}
        ${mentioned ? html`<span class="badge at" part="badge mention" aria-hidden="true">@</span>` : nothing}
      </button>
      ${this.open ? this.renderPanel() : nothing}
    `;
  }

  private renderPanel() {
    // The widget's language, which may not be the page's: screen readers pronounce accordingly.
    return html`<ipp-chat-panel
      id="panel"
      part="panel"
      role=${this.mode === 'page' ? 'region' : 'dialog'}
      lang=${this.i18n.lang}
      aria-label=${this.i18n.t.chat}
      exportparts=${PARTS}
      .store=${this.store}
      .sync=${this.sync}
      .actions=${this.actions}
      .rev=${this.store.rev}
      .context=${this.context}
      .online=${this.live.online}
      .page=${this.mode === 'page'}
      @ipp-close=${this.close}
    ></ipp-chat-panel>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-chat': IppChat;
  }
}
