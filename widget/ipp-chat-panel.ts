import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { provide } from '@lit/context';
import type { ChatApi } from './api';
import type { ChatActions } from './chat-actions';
import type { ChatStore } from './chat-store';
import type { ChatSync } from './chat-sync';
import { actionsContext, apiContext, i18nContext } from './context';
import { emit } from './events';
import { roomName } from './format';
import { createI18n, defaultI18n, type I18n } from './i18n';
import { problemOf } from './problems';
import { icon } from './icons';
import { unlockSound } from './notify';
import { PARTS } from './parts';
import { shared } from './styles';
import type { Room, RoomContext } from './types';
import './ipp-room-list';
import './ipp-room-view';
import './ipp-new-room';
import './ipp-room-settings';
import './ipp-notification-settings';

/** Narrower than this, the page shows one pane at a time. */
const TWO_PANES = 720;

/**
 * The chat panel: the conversation list, a conversation, or one of the
 * dialogs (new conversation, new group, a room's settings), under a one-line
 * status when something is wrong. In `page` mode, the list and the
 * conversation side by side (one pane at a time when narrow). Shows what
 * `store` holds, loads through `sync` and acts through `actions`;
 * `<ipp-chat>` owns all three.
 *
 * @fires ipp-close - the user closed the panel (its close button, or Escape).
 * @csspart header - the title bar of each view.
 * @csspart room - a row of the conversation list.
 * @csspart avatar - a person's or a room's avatar.
 * @csspart bubble - a message bubble.
 * @csspart input - the message text area.
 * @csspart thumbnail - an image attachment's preview.
 * @csspart file - a file attachment's chip.
 */
@customElement('ipp-chat-panel')
export class IppChatPanel extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        overflow: hidden;
        background: var(--ipp-bg);
      }
      .status {
        flex: none;
        padding: 4px 10px;
        background: var(--ipp-surface);
        border-bottom: 1px solid var(--ipp-border);
        color: var(--ipp-danger);
        font-size: 0.85em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .main,
      .list {
        flex: 1;
        min-height: 0;
      }
      .panes {
        flex: 1;
        min-height: 0;
        display: flex;
      }
      .panes > * {
        flex: 1;
        min-width: 0;
      }
      .panes.two > .list {
        flex: 0 0 min(360px, 40%);
        border-inline-end: 1px solid var(--ipp-border);
      }
      .placeholder {
        display: grid;
        place-content: center;
        justify-items: center;
        gap: 8px;
        color: var(--ipp-muted);
        text-align: center;
        padding: 24px;
      }
      .placeholder .icon {
        width: 48px;
        height: 48px;
        opacity: 0.4;
      }
      .close:hover {
        background: rgb(255 255 255 / 0.15);
      }
    `,
  ];

  /** Unset until the session has loaded: the panel shows nothing yet. */
  @property({ attribute: false }) store!: ChatStore;
  @property({ attribute: false }) sync!: ChatSync;
  /** What the user does: provided to the elements inside, the one way they change data. */
  @provide({ context: actionsContext }) @property({ attribute: false }) actions!: ChatActions;
  /** The API client, provided to the elements inside (pictures, searches). */
  @provide({ context: apiContext }) @property({ attribute: false }) client?: ChatApi;
  /** The store's change count: the panel renders again when it moves. */
  @property({ type: Number }) rev = 0;
  /** The record of the host page, whose conversation the list offers. */
  @property({ attribute: false }) context?: RoomContext;
  /** Whether the live feed is connected. */
  @property({ type: Boolean }) online = true;
  /** The conversation page: list and conversation side by side, nothing to close. */
  @property({ type: Boolean }) page = false;

  /** The widget's language, `fr` or `en`. */
  @property() override lang = 'fr';
  /** The strings of the panel's `lang`, provided to the elements inside. */
  @provide({ context: i18nContext }) i18n: I18n = defaultI18n;

  @state() private dialog: 'direct' | 'group' | 'settings' | 'preferences' | null = null;
  /** Whether there is room for the list beside the conversation (page mode). */
  @state() private wide = false;
  private view: Element | null = null;
  /** Names as the store knows them (for mentions in previews and results). */
  private nameOf = (id: number) => this.store.nameOf(id);
  private hadFocus = false;
  private shownRoom: number | null = null;
  private resize = new ResizeObserver(([entry]) => (this.wide = this.page && entry.contentRect.width >= TWO_PANES));

  constructor() {
    super();
    this.addEventListener('keydown', (e) => this.onKeydown(e));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  /** Moves the focus into the view shown (the conversation's, when there are two). */
  focusView(): void {
    this.currentView()?.focus();
  }

  private currentView(): HTMLElement | null {
    const root = this.shadowRoot;
    return (root?.querySelector('.main') ?? root?.querySelector('.panes > :last-child') ?? root?.lastElementChild) as HTMLElement | null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lang')) this.i18n = createI18n(this.lang === 'en' ? 'en' : 'fr');
    this.hadFocus = this.matches(':focus-within');
    // Another room was opened from outside (a notification, a search, the host page): its conversation replaces any dialog.
    if (this.store && this.store.roomId !== this.shownRoom) {
      this.shownRoom = this.store.roomId;
      if (this.dialog !== 'settings' || this.shownRoom === null) this.dialog = null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The view was replaced under the user's focus (room opened, back to the list…): move it into the new view.
    const view = this.currentView();
    if (view && view !== this.view && this.hadFocus) view.focus();
    this.view = view;
  }

  private openRoom(roomId: number | null, at?: number) {
    this.dialog = null;
    return this.sync.open(roomId, at);
  }

  private openContext() {
    unlockSound();
    this.dialog = null;
    this.actions.openContext(this.context!).catch((e) => this.store.fail(e?.status === 404 ? this.i18n.t.notMember : e));
  }

  private onKeydown(e: KeyboardEvent) {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    if (this.dialog) this.dialog = null;
    else emit(this, 'ipp-close');
  }

  override render() {
    if (!this.store) return nothing;
    const e = this.store.error;
    const error = e ? problemOf(this.i18n, e) : this.online ? '' : this.i18n.t.offline;
    const status = error ? html`<div class="status" role="alert" title=${error}>${error}</div>` : nothing;
    if (!this.page) return html`${status}${this.renderMain()}`;
    const room = this.store.room;
    // Narrow, one pane: the conversation (or a dialog) when there is one, else the list.
    if (!this.wide) return html`${status}<div class="panes">${room || this.dialog ? this.renderMain() : this.renderList('main')}</div>`;
    return html`${status}<div class="panes two">
      ${this.renderList('list')}
      ${room || this.dialog ? this.renderMain() : this.renderPlaceholder()}
    </div>`;
  }

  private renderPlaceholder() {
    return html`<div class="placeholder main" tabindex="-1">${icon('chat')}<p>${this.i18n.t.pickConversation}</p></div>`;
  }

  /** A dialog, or the open room; the list when neither (float mode). */
  private renderMain() {
    const s = this.store;
    const meId = s.me?.user.id;
    const room = s.room;
    if (this.dialog === 'direct' || this.dialog === 'group') {
      return html`<ipp-new-room
        class="main"
        exportparts=${PARTS}
        .group=${this.dialog === 'group'}
        .meId=${meId}
        @ipp-room-created=${(ev: HTMLElementEventMap['ipp-room-created']) => this.openRoom(ev.detail.room.id)}
        @ipp-back=${() => (this.dialog = null)}
        >${this.closeButton()}</ipp-new-room
      >`;
    }
    if (this.dialog === 'preferences') {
      return html`<ipp-notification-settings class="main" exportparts=${PARTS} .preferences=${s.preferences} @ipp-back=${() => (this.dialog = null)}
        >${this.closeButton()}</ipp-notification-settings
      >`;
    }
    if (this.dialog === 'settings' && room) {
      return html`<ipp-room-settings
        class="main"
        exportparts=${PARTS}
        .room=${room}
        .name=${roomName(room, meId, s.members)}
        .members=${s.members}
        .me=${s.me}
        .presence=${s.presence}
        @ipp-back=${() => (this.dialog = null)}
        >${this.closeButton()}</ipp-room-settings
      >`;
    }
    if (room) return this.renderRoom(room);
    return this.renderList('main');
  }

  private renderRoom(room: Room) {
    const s = this.store;
    const a = this.actions;
    const meId = s.me?.user.id;
    // One element per room, so that a reply, an edit or a draft never moves to another room.
    return keyed(
      room.id,
      html`<ipp-room-view
        class="main"
        exportparts=${PARTS}
        .room=${room}
        .name=${roomName(room, meId, s.members)}
        .members=${s.members}
        .readThrough=${s.details.get(room.id)?.allReadMessageId}
        .messages=${s.page?.messages ?? []}
        .hasMore=${s.page?.hasMore ?? false}
        .hasNewer=${s.page?.hasNewer ?? false}
        .loading=${!s.page || !!s.page.loading}
        .me=${s.me}
        .presence=${s.presence}
        .typing=${[...s.typing.values()].map((x) => x.name)}
        .draft=${s.drafts.get(room.id)}
        .unreadAfter=${s.unreadAfter.get(room.id)}
        .focusId=${s.focus?.roomId === room.id ? s.focus.messageId : undefined}
        .back=${!(this.page && this.wide)}
        @ipp-draft=${(ev: HTMLElementEventMap['ipp-draft']) => s.setDraft(room.id, ev.detail)}
        @ipp-back=${() => this.openRoom(null)}
        @ipp-settings=${() => (this.dialog = 'settings')}
        @ipp-send=${(ev: HTMLElementEventMap['ipp-send']) => a.send(room.id, ev.detail)}
        @ipp-edit=${(ev: HTMLElementEventMap['ipp-edit']) => a.edit(ev.detail.message, ev.detail.content)}
        @ipp-delete=${(ev: HTMLElementEventMap['ipp-delete']) => a.remove(ev.detail.message)}
        @ipp-retry=${(ev: HTMLElementEventMap['ipp-retry']) => a.retry(ev.detail.message)}
        @ipp-discard=${(ev: HTMLElementEventMap['ipp-discard']) => a.discard(ev.detail.message)}
        @ipp-react=${(ev: HTMLElementEventMap['ipp-react']) => a.react(ev.detail.message, ev.detail.emoji, ev.detail.add)}
        @ipp-load-older=${() => this.sync.loadMore('older')}
        @ipp-load-newer=${() => this.sync.loadMore('newer')}
        @ipp-latest=${() => this.openRoom(room.id)}
        @ipp-seen=${(ev: HTMLElementEventMap['ipp-seen']) => this.sync.seen(room.id, ev.detail.messageId)}
        @ipp-jump=${(ev: HTMLElementEventMap['ipp-jump']) => this.openRoom(ev.detail.roomId, ev.detail.messageId)}
        @ipp-typing=${() => a.typing(room.id)}
        >${this.closeButton()}</ipp-room-view
      >`,
    );
  }

  private renderList(cls: string) {
    const s = this.store;
    return html`<ipp-room-list
      class=${cls}
      exportparts=${PARTS}
      .rooms=${s.rooms}
      .meId=${s.me?.user.id}
      .nameOf=${this.nameOf}
      .loading=${s.loadingRooms}
      .presence=${s.presence}
      .selected=${s.roomId}
      .canCreate=${s.can('chat.create')}
      .canManage=${s.can('chat.manage_rooms')}
      .context=${this.context}
      .contextRoom=${s.rooms.some((r) => r.context?.type === this.context?.type && r.context?.id === this.context?.id)}
      .askNotify=${typeof Notification !== 'undefined' && Notification.permission === 'default'}
      @ipp-open-context=${this.openContext}
      @ipp-notify=${() => void Notification.requestPermission().then(() => this.requestUpdate())}
      @ipp-room-select=${(ev: HTMLElementEventMap['ipp-room-select']) => this.openRoom(ev.detail.roomId)}
      @ipp-jump=${(ev: HTMLElementEventMap['ipp-jump']) => this.openRoom(ev.detail.roomId, ev.detail.messageId)}
      @ipp-new-room=${(ev: HTMLElementEventMap['ipp-new-room']) => (this.dialog = ev.detail.group ? 'group' : 'direct')}
      @ipp-preferences=${() => (this.dialog = 'preferences')}
      >${cls === 'main' ? this.closeButton() : nothing}</ipp-room-list
    >`;
  }

  // Slotted into each view's title bar: the only way to close the panel on a touch screen (nothing to close on the page).
  private closeButton() {
    if (this.page) return nothing;
    const t = this.i18n.t;
    return html`<button slot="actions" class="close" aria-label=${t.close} title=${t.close} @click=${() => emit(this, 'ipp-close')}>${icon('close')}</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-chat-panel': IppChatPanel;
  }
  interface HTMLElementEventMap {
    'ipp-close': CustomEvent<void>;
  }
}
