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
import { titleBar } from './title-bar';
import type { Room, RoomContext } from './types';

type Filter = 'all' | 'unread' | 'group' | 'direct';

/**
 * The conversation list: search, filters, and one row per room with its last
 * message and unread count.
 *
 * @fires ipp-room-select - `{roomId}`: a room was chosen.
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
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow-y: auto;
        flex: 1;
      }
      li button {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 8px;
        width: 100%;
        text-align: start;
        border-radius: 0;
        padding: 10px 12px;
        border-bottom: 1px solid var(--ipp-border);
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .last {
        grid-column: 1;
        color: var(--ipp-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .time {
        color: var(--ipp-muted);
        font-size: 0.8em;
      }
      .badge {
        justify-self: end;
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

  /** Focuses the search field. */
  override focus(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector('input')?.focus());
  }

  /** The rooms that pass the filter and the search. */
  get visibleRooms(): Room[] {
    const q = this.q.trim().toLowerCase();
    return this.rooms.filter((r) => {
      if (this.filter === 'unread' && !r.unreadCount) return false;
      if (this.filter === 'direct' && r.type !== 'direct') return false;
      if (this.filter === 'group' && r.type === 'direct') return false;
      return !q || `${roomName(r, this.meId)} ${r.lastMessage?.content ?? ''}`.toLowerCase().includes(q);
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
      ${titleBar(
        this,
        null,
        t.conversations,
        html`${this.askNotify ? iconButton('bell', t.notifications, () => emit(this, 'ipp-notify')) : nothing}
        ${this.canCreate ? iconButton('add', t.newChat, () => emit(this, 'ipp-new-room', { group: false })) : nothing}
        ${this.canManage ? iconButton('group', t.newGroup, () => emit(this, 'ipp-new-room', { group: true })) : nothing}`,
      )}
      <div class="tools">
        ${this.context && (this.contextRoom || this.canManage)
          ? html`<button class="primary" @click=${() => emit(this, 'ipp-open-context')}>${t.discuss(this.context.label)}</button>`
          : nothing}
        <input type="search" aria-label=${t.search} placeholder=${t.search} .value=${this.q} @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
        <div class="filters" role="group" aria-label=${t.filters}>
          ${filters.map(
            ([f, label]) => html`<button aria-pressed=${this.filter === f} @click=${() => (this.filter = f)}>${label}</button>`,
          )}
        </div>
      </div>
      ${rooms.length
        ? html`<ul>
            ${repeat(rooms, (r) => r.id, (r) => this.renderRoom(r))}
          </ul>`
        : html`<p class="empty">${t.noRooms}</p>`}
    `;
  }


  private renderRoom(r: Room) {
    const { t } = this.i18n;
    const last = r.lastMessage;
    const preview = !last ? '' : last.deletedAt ? t.deleted : last.content || (last.attachments.length ? t.attachment : '');
    const name = roomName(r, this.meId);
    return html`<li>
      <button part="room" @click=${() => emit(this, 'ipp-room-select', { roomId: r.id })}>
        <span class="name">${name}${r.context && r.context.label !== name ? html` <small>· ${r.context.label}</small>` : nothing}${r.muted ? html` <span class="muted" title=${t.muted}>${icon('bell')}<span class="sr-only">${t.muted}</span></span>` : nothing}</span>
        <span class="time">${last ? this.i18n.when(last.createdAt) : ''}</span>
        <span class="last">${last && r.type !== 'direct' && last.senderId !== this.meId ? `${last.senderName}: ` : ''}${preview}</span>
        ${r.unreadCount
          ? html`<span class="badge"><span aria-hidden="true">${r.unreadCount}</span><span class="sr-only">${t.unread(r.unreadCount)}</span></span>`
          : nothing}
      </button>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-room-list': IppRoomList;
  }
}
