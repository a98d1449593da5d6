import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { i18nContext } from './context';
import { emit } from './events';
import { roomName } from './format';
import { defaultI18n, type I18n } from './i18n';
import { icon, iconButton } from './icons';
import { shared, view } from './styles';
import { touchScreen } from './parts';
import { titleBar } from './title-bar';
import { plainText } from './mention-text';
import type { Presence, Room, RoomContext } from './types';
import { roomAvatar } from './ipp-avatar';
import './ipp-message-search';
import type { IppMessageSearch } from './ipp-message-search';

type Filter = 'all' | 'unread' | 'group' | 'direct';

/**
 * The conversation list: search, filters, and one row per room with its
 * avatar, last message and unread count. The search finds rooms by name and,
 * below them, messages (`<ipp-message-search>`); the arrow keys go from the
 * field through the rooms and the messages found.
 *
 * @fires ipp-room-select - `{roomId}`: a room was chosen.
 * @fires ipp-jump - `{roomId, messageId}`: a message found by the search was chosen.
 * @fires ipp-new-room - `{group}`: "Nouvelle conversation" or "Nouveau groupe" was pressed.
 * @fires ipp-notify - the user asked for desktop notifications.
 * @fires ipp-open-context - "Discuter de …" was pressed.
 * @csspart header - the title bar.
 * @csspart room - one row of the list.
 */
@customElement('ipp-room-list')
export class IppRoomList extends LitElement {
  static override styles = [
    shared,
    view,
    css`
      .tools {
        display: flex;
        flex-direction: column;
        gap: 6px;
        padding: 8px;
        border-bottom: 1px solid var(--ipp-border);
      }
      .filters {
        display: flex;
        gap: 4px;
      }
      .filters button[aria-pressed='true'] {
        background: var(--ipp-primary);
        color: var(--ipp-on-primary);
      }
      .scroll {
        overflow-y: auto;
        flex: 1;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 2px 10px;
        align-items: center;
        width: 100%;
        text-align: start;
        border-radius: 0;
        padding: 10px 12px;
        border-bottom: 1px solid var(--ipp-border);
      }
      li button[aria-current='true'] {
        background: var(--ipp-surface);
        box-shadow: inset 3px 0 var(--ipp-accent);
      }
      li ipp-avatar {
        --ipp-avatar-size: 38px;
        grid-row: span 2;
      }
      .skeleton li {
        display: grid;
        grid-template-columns: 38px 1fr;
        gap: 6px 10px;
        padding: 12px;
        border-bottom: 1px solid var(--ipp-border);
      }
      .skeleton span {
        display: block;
        height: 10px;
        border-radius: 5px;
        background: var(--ipp-surface);
        animation: pulse 1.2s ease-in-out infinite alternate;
      }
      .skeleton .line.short {
        width: 60%;
      }
      .skeleton .disc {
        width: 38px;
        height: 38px;
        border-radius: 50%;
        grid-row: span 2;
      }
      @keyframes pulse {
        to {
          opacity: 0.45;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .skeleton span {
          animation: none;
        }
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .last {
        grid-column: 2;
        color: var(--ipp-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .time {
        color: var(--ipp-muted);
        font-size: 0.8em;
      }
      .badges {
        justify-self: end;
        display: flex;
        gap: 4px;
      }
      .muted .icon {
        width: 14px;
        height: 14px;
        opacity: 0.6;
      }
      .empty {
        padding: 24px;
        text-align: center;
        color: var(--ipp-muted);
      }
    `,
  ];

  @property({ attribute: false }) rooms: Room[] = [];
  @property({ type: Number }) meId?: number;
  /** Names by user id, for the mentions in the previews. */
  @property({ attribute: false }) nameOf: (userId: number) => string = (id) => `#${id}`;
  /** Whether the list is still on its way (placeholders rather than "no conversation"). */
  @property({ type: Boolean }) loading = false;
  /** Who is online, by user id. */
  @property({ attribute: false }) presence = new Map<number, Presence>();
  /** The room shown beside the list (page mode), marked as the current one. */
  @property({ type: Number }) selected: number | null = null;
  /** Whether the user may open direct conversations (chat.create). */
  @property({ type: Boolean }) canCreate = false;
  /** Whether the user may create groups (chat.manage_rooms). */
  @property({ type: Boolean }) canManage = false;
  /** The host page's record, offered as "Discuter de …". */
  @property({ attribute: false }) context?: RoomContext;
  /** Whether the record's room is in the list (else only those who may create groups are offered it). */
  @property({ type: Boolean }) contextRoom = false;
  /** Whether to offer desktop notifications (permission not asked yet). */
  @property({ type: Boolean }) askNotify = false;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private filter: Filter = 'all';
  @state() private q = '';

  /**
   * Focuses the search field; on a touch screen, the list itself instead, as a
   * focused field would pop the keyboard up over it.
   */
  override focus(): void {
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector<HTMLElement>(touchScreen() ? '.scroll' : 'input')?.focus();
    });
  }

  /** The buttons the arrow keys go through from the search field: the rooms, then the messages found. */
  private get navigable(): HTMLElement[] {
    const search = this.renderRoot.querySelector<IppMessageSearch>('ipp-message-search');
    return [...this.renderRoot.querySelectorAll<HTMLElement>('li button'), ...(search?.buttons ?? [])];
  }

  private onKeydown(e: KeyboardEvent) {
    if (e.key === 'Enter' && e.target instanceof HTMLElement && e.composedPath()[0] instanceof HTMLButtonElement) {
      // Activated here rather than by the button's default, which would type the Enter into the composer the room opens with.
      e.preventDefault();
      (e.composedPath()[0] as HTMLButtonElement).click();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = this.navigable;
    const path = e.composedPath();
    const from = items.findIndex((b) => path.includes(b));
    const input = this.renderRoot.querySelector('input')!;
    const to = from < 0 ? (path.includes(input) && e.key === 'ArrowDown' ? 0 : -2) : from + (e.key === 'ArrowDown' ? 1 : -1);
    if (to === -2) return;
    e.preventDefault();
    if (to < 0) input.focus();
    else items[Math.min(to, items.length - 1)]?.focus();
  }

  /** The rooms that pass the filter and the search. */
  get visibleRooms(): Room[] {
    const q = this.q.trim().toLowerCase();
    return this.rooms.filter((r) => {
      if (this.filter === 'unread' && !r.unreadCount) return false;
      if (this.filter === 'direct' && r.type !== 'direct') return false;
      if (this.filter === 'group' && r.type === 'direct') return false;
      return !q || roomName(r, this.meId).toLowerCase().includes(q) || (r.context?.label ?? '').toLowerCase().includes(q);
    });
  }

  override render() {
    const { t } = this.i18n;
    const filters: [Filter, string][] = [
      ['all', t.all],
      ['unread', t.unreadFilter],
      ['group', t.groups],
      ['direct', t.directs],
    ];
    const rooms = this.visibleRooms;
    return html`
      ${titleBar(this, {
        title: t.conversations,
        extra: html`${this.askNotify ? iconButton('bell', t.notifications, () => emit(this, 'ipp-notify')) : nothing}
        ${this.canCreate ? iconButton('add', t.newChat, () => emit(this, 'ipp-new-room', { group: false })) : nothing}
        ${this.canManage ? iconButton('group', t.newGroup, () => emit(this, 'ipp-new-room', { group: true })) : nothing}
        ${iconButton('settings', t.notificationSettings, () => emit(this, 'ipp-preferences'))}`,
      })}
      <div class="tools">
        ${this.context && (this.contextRoom || this.canManage)
          ? html`<button class="primary" @click=${() => emit(this, 'ipp-open-context')}>${t.discuss(this.context.label)}</button>`
          : nothing}
        <input
          type="search"
          aria-label=${t.search}
          placeholder=${t.search}
          .value=${this.q}
          @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => {
            // Enter opens the first room found, else the first message found (and types nothing into the room's composer).
            if (e.key === 'Enter') e.preventDefault(), this.navigable[0]?.click();
            else this.onKeydown(e);
          }}
        />
        <div class="filters" role="group" aria-label=${t.filters}>
          ${filters.map(
            ([f, label]) => html`<button aria-pressed=${this.filter === f} @click=${() => (this.filter = f)}>${label}</button>`,
          )}
        </div>
      </div>
      <div class="scroll" tabindex="-1" @keydown=${this.onKeydown}>
        ${this.loading && !this.rooms.length
          ? html`<ul class="skeleton" aria-busy="true" aria-label=${t.loading}>
              ${[1, 2, 3, 4, 5].map(() => html`<li><span class="disc"></span><span class="line"></span><span class="line short"></span></li>`)}
            </ul>`
          : rooms.length
            ? html`<ul aria-label=${t.conversations}>
                ${repeat(rooms, (r) => r.id, (r) => this.renderRoom(r))}
              </ul>`
            : html`<p class="empty">${this.q.trim() ? t.noRoomFound : t.noRooms}</p>`}
        ${this.q.trim()
          ? html`<ipp-message-search .q=${this.q} .rooms=${this.rooms} .meId=${this.meId} .nameOf=${this.nameOf}></ipp-message-search>`
          : nothing}
      </div>
    `;
  }


  private renderRoom(r: Room) {
    const { t } = this.i18n;
    const last = r.lastMessage;
    const preview = !last ? '' : last.system ? this.i18n.system(last, this.meId) : last.deletedAt ? t.deleted
      : plainText(last, this.nameOf, t.everyone) || (last.attachments.length ? t.attachment : '');
    const name = roomName(r, this.meId);
    return html`<li>
      <button part="room" aria-current=${this.selected === r.id} title=${name} @click=${() => emit(this, 'ipp-room-select', { roomId: r.id })}>
        ${roomAvatar(r, this.meId, this.presence)}
        <span class="name">${name}${r.context && r.context.label !== name ? html` <small>· ${r.context.label}</small>` : nothing}${r.muted ? html` <span class="muted" title=${t.muted}>${icon('bell')}<span class="sr-only">${t.muted}</span></span>` : nothing}</span>
        <span class="time">${last ? this.i18n.when(last.createdAt) : ''}</span>
        <span class="last">${last && last.type !== 'system' && r.type !== 'direct' && last.senderId !== this.meId ? `${last.senderName}: ` : ''}${preview}</span>
        <span class="badges">
          ${r.mentionCount ? html`<span class="badge at"><span aria-hidden="true">@</span><span class="sr-only">${t.mentioned}</span></span>` : nothing}
          ${r.unreadCount ? html`<span class="badge"><span aria-hidden="true">${r.unreadCount}</span><span class="sr-only">${t.unread(r.unreadCount)}</span></span>` : nothing}
        </span>
      </button>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-room-list': IppRoomList;
  }
}
