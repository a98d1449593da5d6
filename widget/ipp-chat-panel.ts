import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { ChatActions } from './chat-actions';
import type { ChatStore } from './chat-store';
import { i18nContext } from './context';
import { emit } from './events';
import { roomName } from './format';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { unlockSound } from './notify';
import { shared } from './styles';
import type { RoomContext } from './types';
import './ipp-room-list';
import './ipp-room-view';
import './ipp-new-room';
import './ipp-room-settings';

// The parts of the inner elements, styleable from the page as ipp-chat::part(...).
export const PARTS = 'header, room, bubble, input, thumbnail, file';

/**
 * The chat panel: the conversation list, a conversation, or one of the
 * dialogs (new conversation, new group, a room's settings), with a status
 * line above them. Shows what `store` holds and acts through `actions`;
 * `<ipp-chat>` owns both.
 *
 * @fires ipp-close - the user closed the panel (its close button, or Escape).
 * @csspart header - the title bar of each view.
 * @csspart room - a row of the conversation list.
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
      :host > * {
        flex: 1;
        min-height: 0;
      }
      .status {
        flex: none;
        padding: 4px 8px;
        background: var(--ipp-surface);
        color: var(--ipp-danger);
        font-size: 0.85em;
      }
      .close:hover {
        background: rgb(255 255 255 / 0.15);
      }
    `,
  ];

  @property({ attribute: false }) store!: ChatStore;
  @property({ attribute: false }) actions!: ChatActions;
  /** The store's change count: the panel renders again when it moves. */
  @property({ type: Number }) rev = 0;
  /** The record of the host page, whose conversation the list offers. */
  @property({ attribute: false }) context?: RoomContext;
  /** Whether the live feed is connected. */
  @property({ type: Boolean }) online = true;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private dialog: 'direct' | 'group' | 'settings' | null = null;
  private view: Element | null = null;
  private hadFocus = false;
  private shownRoom: number | null = null;

  constructor() {
    super();
    this.addEventListener('keydown', (e) => this.onKeydown(e));
  }

  /** Moves the focus into the view shown. */
  focusView(): void {
    (this.shadowRoot?.lastElementChild as HTMLElement | null)?.focus();
  }

  protected override willUpdate(): void {
    this.hadFocus = this.matches(':focus-within');
    // Another room was opened from outside (a notification, the host page): its conversation replaces any dialog.
    if (this.store.roomId !== this.shownRoom) {
      this.shownRoom = this.store.roomId;
      if (this.dialog !== 'settings' || this.shownRoom === null) this.dialog = null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The view was replaced under the user's focus (room opened, back to the list…): move it into the new view.
    const view = this.shadowRoot!.lastElementChild;
    if (view && view !== this.view && this.hadFocus) (view as HTMLElement).focus();
    this.view = view;
  }

  private openRoom(roomId: number | null) {
    this.dialog = null;
    return this.store.open(roomId);
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
    const e = this.store.error;
    const error = e ? this.i18n.problem(e) : this.online ? '' : this.i18n.t.offline;
    return html`${error ? html`<div class="status" role="alert">${error}</div>` : nothing}${this.renderView()}`;
  }

  /** The panel's content: a dialog, the open room, or the room list. */
  private renderView() {
    const s = this.store;
    const a = this.actions;
    const t = this.i18n.t;
    const meId = s.me?.user.id;
    // Slotted into each view's title bar: the only way to close the panel on a touch screen.
    const close = html`<button slot="actions" class="close" aria-label=${t.close} title=${t.close} @click=${() => emit(this, 'ipp-close')}>${icon('close')}</button>`;
    const room = s.room;
    if (this.dialog === 'direct' || this.dialog === 'group') {
      return html`<ipp-new-room
        exportparts=${PARTS}
        .group=${this.dialog === 'group'}
        .meId=${meId}
        @ipp-room-created=${(ev: HTMLElementEventMap['ipp-room-created']) => this.openRoom(ev.detail.room.id)}
        @ipp-back=${() => (this.dialog = null)}
        >${close}</ipp-new-room
      >`;
    }
    if (this.dialog === 'settings' && room) {
      return html`<ipp-room-settings
        exportparts=${PARTS}
        .room=${room}
        .members=${s.members}
        .me=${s.me}
        @ipp-back=${() => (this.dialog = null)}
        >${close}</ipp-room-settings
      >`;
    }
    if (room) {
      // One element per room, so that a reply, an edit or a draft never moves to another room.
      return keyed(
        room.id,
        html`<ipp-room-view
          exportparts=${PARTS}
          .room=${room}
          .name=${roomName(room, meId, s.members)}
          .members=${s.members}
          .messages=${s.page?.messages ?? []}
          .hasMore=${s.page?.hasMore ?? false}
          .loading=${s.page?.loading ?? true}
          .me=${s.me}
          .typing=${[...s.typing.values()].map((x) => x.name)}
          .draft=${s.drafts.get(room.id)}
            @ipp-draft=${(ev: HTMLElementEventMap['ipp-draft']) => s.setDraft(room.id, ev.detail)}
          @ipp-back=${() => this.openRoom(null)}
          @ipp-settings=${() => (this.dialog = 'settings')}
          @ipp-send=${(ev: HTMLElementEventMap['ipp-send']) => a.send(room.id, ev.detail)}
          @ipp-edit=${(ev: HTMLElementEventMap['ipp-edit']) => a.edit(ev.detail.message, ev.detail.content)}
          @ipp-delete=${(ev: HTMLElementEventMap['ipp-delete']) => a.remove(ev.detail.message)}
          @ipp-retry=${(ev: HTMLElementEventMap['ipp-retry']) => a.retry(ev.detail.message)}
          @ipp-load-older=${() => a.loadOlder()}
          @ipp-typing=${() => a.typing(room.id)}
          >${close}</ipp-room-view
        >`,
      );
    }
    return html`<ipp-room-list
      exportparts=${PARTS}
      .rooms=${s.rooms}
      .meId=${meId}
      .canCreate=${s.can('chat.create')}
      .canManage=${s.can('chat.manage_rooms')}
      .context=${this.context}
      .contextRoom=${s.rooms.some((r) => r.context?.type === this.context?.type && r.context?.id === this.context?.id)}
      .askNotify=${typeof Notification !== 'undefined' && Notification.permission === 'default'}
      @ipp-open-context=${this.openContext}
      @ipp-notify=${() => void Notification.requestPermission().then(() => this.requestUpdate())}
      @ipp-room-select=${(ev: HTMLElementEventMap['ipp-room-select']) => this.openRoom(ev.detail.roomId)}
      @ipp-new-room=${(ev: HTMLElementEventMap['ipp-new-room']) => (this.dialog = ev.detail.group ? 'group' : 'direct')}
      >${close}</ipp-room-list
    >`;
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
