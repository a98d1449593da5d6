import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit, type Draft } from './events';
import { defaultI18n, type I18n } from './i18n';
import type { IppComposer } from './ipp-composer';
import { iconButton } from './icons';
import { shared, view } from './styles';
import { touchScreen } from './parts';
import { titleBar } from './title-bar';
import type { ChatMessage, Me, Member, Presence, Room } from './types';
import { roomAvatar } from './ipp-avatar';
import type { IppMessageSearch } from './ipp-message-search';
import { expressStrings } from './express-i18n';
import './ipp-composer';
import './ipp-emoji-picker';
import './ipp-message-list';
import './ipp-message-search';

/**
 * One conversation: header (who, whether they are online or how many
 * members), a search in it, the messages, who is typing, and the composer.
 * Files dropped anywhere on it are added to the composer. It keeps the reply
 * and edit in progress; everything else goes up as events.
 *
 * @fires ipp-back - back to the conversation list.
 * @fires ipp-settings - open the room settings.
 * @fires ipp-send - from the composer, with `replyToId` of the reply in progress.
 * @fires ipp-edit - from the composer.
 * @fires ipp-delete - from a message.
 * @fires ipp-retry - from a message.
 * @fires ipp-load-older - from the list.
 * @fires ipp-load-newer - from the list.
 * @fires ipp-latest - from the list: back to the latest messages.
 * @fires ipp-seen - from the list.
 * @fires ipp-jump - `{roomId, messageId}`: a message found, or a quoted one, to show.
 * @fires ipp-discard - from a message that could not be sent.
 * @fires ipp-typing - from the composer.
 * @fires ipp-react - `{message, emoji, add}`: from a message, or an emoji picked for it.
 * @fires ipp-draft - the reply in progress changed; also from the composer (text) and the list (scroll).
 * @csspart header - the title bar.
 * @csspart bubble - a message bubble; also `thumbnail`, `file` (attachments) and `input` (the composer).
 */
@customElement('ipp-room-view')
export class IppRoomView extends LitElement {
  static override styles = [
    shared,
    view,
    css`
      :host {
        position: relative;
      }
      ipp-message-list {
        flex: 1;
      }
      .typing {
        min-height: 1.4em;
        padding: 0 12px;
        font-size: 0.8em;
        font-style: italic;
        color: var(--ipp-muted);
      }
      .search {
        display: flex;
        gap: 4px;
        padding: 6px 8px;
        border-bottom: 1px solid var(--ipp-border);
      }
      .search input {
        flex: 1;
      }
      .found {
        max-height: 45%;
        overflow-y: auto;
        border-bottom: 1px solid var(--ipp-border);
        flex: none;
      }
      .bar ipp-avatar {
        --ipp-avatar-size: 32px;
        --ipp-bg: var(--ipp-primary);
      }
      .record {
        padding: 4px 12px;
        background: var(--ipp-surface);
        border-bottom: 1px solid var(--ipp-border);
        font-size: 0.85em;
      }
      ipp-emoji-picker {
        position: absolute;
        inset: auto 8px 64px;
        z-index: 2;
      }
      .drop {
        position: absolute;
        inset: 0;
        display: grid;
        place-items: center;
        background: rgb(15 43 91 / 0.8);
        color: #fff;
        font-weight: 600;
        pointer-events: none;
      }
    `,
  ];

  @property({ attribute: false }) room!: Room;
  /** The room's display name. */
  @property() name = '';
  @property({ attribute: false }) members: Member[] = [];
  /** The last message every member has read (GET /rooms/:id), for the read ticks of a big room. */
  @property({ type: Number }) readThrough?: number | null;
  @property({ attribute: false }) messages: ChatMessage[] = [];
  @property({ type: Boolean }) hasMore = false;
  /** Whether newer messages exist than those shown (a page opened around an older one). */
  @property({ type: Boolean }) hasNewer = false;
  /** Who is online, by user id. */
  @property({ attribute: false }) presence = new Map<number, Presence>();
  /** The read marker when the room was opened: the "new messages" line goes under it. */
  @property({ type: Number }) unreadAfter?: number;
  /** A message to bring into view and highlight. */
  @property({ type: Number }) focusId?: number;
  /** Whether to offer Back (not beside the list on the conversation page). */
  @property({ type: Boolean }) back = true;
  /** Whether the first page of messages is still on its way. */
  @property({ type: Boolean }) loading = false;
  @property({ attribute: false }) me?: Me;
  /** Names of the people typing. */
  @property({ attribute: false }) typing: string[] = [];
  /** What was in progress here before (text, reply, scroll), taken when the view is made. */
  @property({ attribute: false }) draft?: Draft;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private replyTo: ChatMessage | null = null;
  @state() private editing: ChatMessage | null = null;
  @state() private dragging = false;
  /** The in-conversation search: null when closed. */
  @state() private q: string | null = null;
  @query('ipp-composer') private composer?: IppComposer;
  /** The emoji picker, open for a reaction to a message or for the composer; the button that opened it gets the focus back. */
  @state() private picking: { message?: ChatMessage; anchor: HTMLElement } | null = null;

  private picked(emoji?: string) {
    const { message, anchor } = this.picking!;
    this.picking = null;
    if (emoji && message) emit(this, 'ipp-react', { message, emoji, add: true });
    else if (emoji) this.composer?.insert(emoji);
    else anchor.focus();
  }

  protected override willUpdate(): void {
    if (!this.hasUpdated) this.replyTo = this.draft?.reply ?? null;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('replyTo') && changed.get('replyTo') !== undefined) emit(this, 'ipp-draft', { reply: this.replyTo });
  }

  private get canSend() {
    return !!this.me?.perms.includes('chat.create');
  }

  /** Focuses the composer (for readers, and on touch screens, the header's first button). */
  override focus(): void {
    void this.updateComplete.then(() => ((touchScreen() ? null : this.composer) ?? this.renderRoot.querySelector('button'))?.focus());
  }

  private onDrop(e: DragEvent) {
    e.preventDefault();
    this.dragging = false;
    if (this.canSend && e.dataTransfer?.files.length) this.composer?.addFiles(e.dataTransfer.files);
  }

  private onDragOver(e: DragEvent) {
    if (!this.canSend || !e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.dragging = true;
  }

  /** "en ligne" / "vu à 14:32" for a direct conversation, the member count for a group. */
  private subtitle(): string {
    const { t } = this.i18n;
    if (this.room.type !== 'direct') return this.room.memberCount ? t.memberCount(this.room.memberCount) : '';
    const peer = (this.room.members ?? this.members).find((m) => m.userId !== this.me?.user.id);
    const p = peer && (this.presence.get(peer.userId) ?? { online: !!peer.online, lastSeenAt: peer.lastSeenAt ?? null });
    if (!p) return '';
    return p.online ? t.online : p.lastSeenAt ? t.seenAt(this.i18n.seen(p.lastSeenAt)) : '';
  }

  private toggleSearch() {
    this.q = this.q === null ? '' : null;
    if (this.q !== null) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.search input')?.focus());
  }

  // Down from the field into the results, up and down among them, back up to the field.
  private onSearchKeydown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.toggleSearch();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
    const input = this.renderRoot.querySelector<HTMLInputElement>('.search input')!;
    const buttons = this.renderRoot.querySelector<IppMessageSearch>('ipp-message-search')?.buttons ?? [];
    const path = e.composedPath();
    const i = buttons.findIndex((b) => path.includes(b));
    if (e.key === 'Enter') {
      if (path.includes(input)) buttons[0]?.click();
      return;
    }
    e.preventDefault();
    const to = i + (e.key === 'ArrowDown' ? 1 : -1);
    if (to < 0) input.focus();
    else buttons[Math.min(to, buttons.length - 1)]?.focus();
  }

  // The link back to the host record's page: a path of the host app or http(s) only, whatever the server sent.
  private renderRecord() {
    const c = this.room.context;
    if (!c) return nothing;
    const url = c.url && /^(\/(?![/\\])|https?:\/\/)/i.test(c.url) ? c.url : '';
    return html`<div class="record">${url ? html`<a href=${url}>↗ ${c.label}</a>` : c.label}</div>`;
  }

  override render() {
    const { t } = this.i18n;
    return html`
      ${titleBar(this, {
        back: this.back ? t.back : null,
        title: this.name,
        sub: this.subtitle(),
        lead: roomAvatar(this.room, this.me?.user.id, this.presence),
        extra: html`${iconButton('search', t.searchInRoom, () => this.toggleSearch())}${iconButton('more', t.settings, () => emit(this, 'ipp-settings'))}`,
      })}
      ${this.renderRecord()}
      ${this.q !== null
        ? html`<div class="search" @keydown=${this.onSearchKeydown}>
              <input type="search" aria-label=${t.searchInRoom} placeholder=${t.searchInRoom} .value=${this.q}
                @input=${(e: Event) => (this.q = (e.target as HTMLInputElement).value)} />
              ${iconButton('close', t.closeSearch, () => this.toggleSearch())}
            </div>
            ${this.q.trim()
              ? html`<div class="found" @keydown=${this.onSearchKeydown}>
                  <ipp-message-search .q=${this.q} .roomId=${this.room.id} .rooms=${[this.room]} .meId=${this.me?.user.id}
                    @ipp-jump=${() => (this.q = null)}></ipp-message-search>
                </div>`
              : nothing}`
        : nothing}
      <ipp-message-list
        exportparts="bubble, thumbnail, file, avatar"
        .room=${this.room}
        .messages=${this.messages}
        .members=${this.members}
        .readThrough=${this.readThrough}
        .me=${this.me}
        .hasMore=${this.hasMore}
        .hasNewer=${this.hasNewer}
        .loading=${this.loading}
        .unreadAfter=${this.unreadAfter}
        .focusId=${this.focusId}
        .startAt=${this.draft?.scroll}
        @dragover=${this.onDragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
        @ipp-reply=${(e: HTMLElementEventMap['ipp-reply']) => ((this.editing = null), (this.replyTo = e.detail.message))}
        @ipp-start-edit=${(e: HTMLElementEventMap['ipp-start-edit']) => ((this.replyTo = null), (this.editing = e.detail.message))}
        @ipp-emoji-open=${(e: HTMLElementEventMap['ipp-emoji-open']) => (this.picking = e.detail)}
      ></ipp-message-list>
      <div class="typing" aria-live="polite">${this.typing.length ? t.typing(this.typing) : ''}</div>
      ${this.canSend
        ? html`<ipp-composer
            exportparts="input"
            .replyTo=${this.replyTo}
            .editing=${this.editing}
            .text=${this.draft?.text ?? ''}
            .members=${this.members}
            .roomId=${this.room.id}
            .memberCount=${this.room.memberCount ?? this.members.length}
            .meId=${this.me?.user.id ?? 0}
            ?canMentionAll=${this.room.myRole === 'admin' || this.room.myRole === 'moderator'}
            @ipp-emoji-open=${(e: HTMLElementEventMap['ipp-emoji-open']) => (this.picking = e.detail)}
            @dragover=${this.onDragOver}
            @drop=${this.onDrop}
            @ipp-send=${() => (this.replyTo = null)}
            @ipp-edit=${() => (this.editing = null)}
            @ipp-cancel=${() => (this.replyTo = this.editing = null)}
          ></ipp-composer>`
        : nothing}
      ${this.picking
        ? html`<ipp-emoji-picker .label=${this.picking.message ? expressStrings(this.i18n.lang).react : expressStrings(this.i18n.lang).emoji}
            @ipp-emoji=${(e: HTMLElementEventMap['ipp-emoji']) => this.picked(e.detail.emoji)} @ipp-cancel=${() => this.picked()}></ipp-emoji-picker>`
        : nothing}
      ${this.dragging ? html`<div class="drop">${t.dropHere}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-room-view': IppRoomView;
  }
}
