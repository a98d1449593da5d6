import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { shared } from './styles';
import type { ChatMessage, Me, Member, Room } from './types';
import type { IppMessage } from './ipp-message';
import './ipp-message';

/** Within this distance of the bottom, new messages scroll into view. */
const NEAR = 120;

// A pending message and the server's copy of it are the same item (same clientId).
const key = (m: ChatMessage) => m.clientId ?? m.id;

/**
 * The scrolling list of a room's messages, oldest first, with day separators.
 * Scrolling to the top asks for older messages; new messages scroll into view
 * only when the reader is near the bottom, else a "new messages" button appears.
 *
 * @fires ipp-load-older - the top was reached and there are older messages.
 * @fires ipp-draft - `{scroll}`: the reader scrolled (null: to the bottom).
 * @csspart bubble - a message bubble; also `thumbnail` and `file` for attachments.
 */
@customElement('ipp-message-list')
export class IppMessageList extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: relative;
        display: block;
        min-height: 0;
      }
      .scroller {
        position: relative;
        height: 100%;
        overflow-y: auto;
        overflow-anchor: none;
      }
      .content {
        padding: 8px 0;
      }
      .day {
        text-align: center;
        font-size: 0.8em;
        color: var(--ipp-muted);
        margin: 10px 0 4px;
      }
      .older {
        display: block;
        margin: 0 auto 8px;
        font-size: 0.85em;
      }
      .empty {
        text-align: center;
        color: var(--ipp-muted);
      }
      .jump {
        position: absolute;
        bottom: 10px;
        left: 50%;
        transform: translateX(-50%);
        background: var(--ipp-accent);
        color: var(--ipp-on-accent);
        font-weight: 600;
        border-radius: 16px;
        padding: 4px 12px;
        box-shadow: 0 2px 8px rgb(0 0 0 / 0.2);
      }
    `,
  ];

  @property({ attribute: false }) room!: Room;
  @property({ attribute: false }) messages: ChatMessage[] = [];
  @property({ attribute: false }) members: Member[] = [];
  @property({ attribute: false }) me?: Me;
  @property({ type: Boolean }) hasMore = false;
  /** Whether the first page is still on its way (no "no messages" text yet). */
  @property({ type: Boolean }) loading = false;
  /** Where the reader was (the room's draft), taken once: null or undefined for the bottom. */
  @property({ attribute: false }) startAt?: number | null;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  /** The message in the tab order (its key). */
  @state() private active?: string | number;
  /** New messages that arrived below the visible part. */
  @state() private unseen = 0;
  @query('.scroller') private scroller!: HTMLElement;

  /** Whether to follow the newest message (the reader is at the bottom). */
  private stick = true;
  /** A message to keep in place while older ones are added above it. */
  private keep?: { el: HTMLElement; offset: number };
  /** The restored scroll offset, held while the messages render, until the reader scrolls. */
  private restoreTop?: number;
  private lastSet = -1;
  private askedOlder = false;
  // Messages render after this element, and pictures load later still: settle on every size change.
  private resize = new ResizeObserver(() => this.settle());

  /** Whether the reader sees the bottom of the list (or close to it). */
  get nearBottom(): boolean {
    const s = this.scroller;
    return !s || s.scrollHeight - s.scrollTop - s.clientHeight < NEAR;
  }

  /** Scrolls to the newest message, and keeps following new ones. */
  scrollToEnd(): void {
    this.stick = true;
    this.keep = this.restoreTop = undefined;
    this.unseen = 0;
    this.settle();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: observe again what disconnectedCallback let go.
    if (this.hasUpdated) this.observe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
  }

  protected override firstUpdated(): void {
    this.observe();
  }

  // The content grows (messages render, pictures load) and the list shrinks (the composer grows).
  private observe() {
    this.resize.observe(this.renderRoot.querySelector('.content')!);
    this.resize.observe(this.scroller);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated && typeof this.startAt === 'number') (this.restoreTop = this.startAt), (this.stick = false);
    const old = changed.get('messages');
    if (!old?.length || !this.scroller) return;
    const first = this.messages[0];
    const last = this.messages.at(-1);
    if (first && key(first) !== key(old[0]) && last === old.at(-1)) {
      // Older messages go on top: the first one shown so far stays where it is.
      const el = this.renderRoot.querySelector<HTMLElement>('ipp-message');
      if (el) (this.keep = { el, offset: el.offsetTop - this.scroller.scrollTop }), (this.restoreTop = undefined);
    } else if (last && key(last) !== key(old.at(-1)!)) {
      if (last.senderId === this.me?.user.id) this.scrollToEnd();
      else if (!this.stick) this.unseen++;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages')) {
      this.askedOlder = false;
      this.settle();
    }
  }

  private settle() {
    const s = this.scroller;
    if (!s) return;
    if (this.restoreTop !== undefined) s.scrollTop = this.restoreTop;
    else if (this.keep) s.scrollTop = this.keep.el.offsetTop - this.keep.offset;
    else if (this.stick) s.scrollTop = s.scrollHeight;
    this.lastSet = s.scrollTop;
  }

  private onScroll() {
    // Our own scrolling (settle) says nothing about where the reader wants to be.
    if (Math.abs(this.scroller.scrollTop - this.lastSet) < 2) return;
    this.keep = this.restoreTop = undefined;
    this.stick = this.nearBottom;
    if (this.stick) this.unseen = 0;
    emit(this, 'ipp-draft', { scroll: this.stick ? null : Math.round(this.scroller.scrollTop) });
    if (this.scroller.scrollTop < 60 && this.hasMore && !this.askedOlder) {
      this.askedOlder = true;
      emit(this, 'ipp-load-older');
    }
  }

  // One message at a time is in the tab order (the last one by default); arrows move between them.
  private onKeydown(e: KeyboardEvent) {
    const items = [...this.renderRoot.querySelectorAll<IppMessage>('ipp-message')];
    const from = items.findIndex((el) => el.matches(':focus-within'));
    if (from < 0) return;
    const to = { ArrowUp: from - 1, ArrowDown: from + 1, Home: 0, End: items.length - 1 }[e.key];
    if (to === undefined || !items[to] || (e.target as Element) !== items[from]) return;
    e.preventDefault();
    items[to].focus();
  }

  private onFocusin(e: FocusEvent) {
    const el = (e.target as Element).closest?.('ipp-message') as IppMessage | null;
    if (el) this.active = key(el.message);
  }

  override render() {
    const { t } = this.i18n;
    const meId = this.me?.user.id;
    const active = this.messages.some((m) => key(m) === this.active) ? this.active : key(this.messages.at(-1) ?? ({ id: 0 } as ChatMessage));
    const perms = this.me?.perms ?? [];
    const others = this.members.filter((m) => m.userId !== meId);
    const moderator = this.room.myRole === 'admin' || this.room.myRole === 'moderator';
    let prevDay = '';
    let prevSender: number | undefined;
    return html`
      <div class="scroller" role="log" aria-live="off" aria-label=${t.messages} @scroll=${this.onScroll}>
        <div class="content" @keydown=${this.onKeydown} @focusin=${this.onFocusin}>
        ${this.hasMore
          ? html`<button class="older" @click=${() => emit(this, 'ipp-load-older')}>${t.loadOlder}</button>`
          : nothing}
        ${this.messages.length || this.loading ? nothing : html`<p class="empty">${t.noMessages}</p>`}
        ${repeat(
          this.messages,
          key,
          (m) => {
            const day = this.i18n.day(m.createdAt);
            const newDay = day !== prevDay;
            const showSender = this.room.type !== 'direct' && m.senderId !== meId && (newDay || m.senderId !== prevSender);
            prevDay = day;
            prevSender = m.senderId;
            const mine = m.senderId === meId;
            return html`${newDay ? html`<div class="day">${day}</div>` : nothing}
              <ipp-message
                exportparts="bubble, thumbnail, file"
                .message=${m}
                ?mine=${mine}
                ?showSender=${showSender}
                ?active=${key(m) === active}
                .readBy=${mine ? others.filter((o) => (o.lastReadMessageId ?? 0) >= m.id).length : 0}
                .readers=${others.length}
                ?canReply=${perms.includes('chat.create') && m.id > 0}
                ?canEdit=${mine && perms.includes('chat.update') && m.id > 0}
                ?canDelete=${m.id > 0 && ((mine && perms.includes('chat.delete')) || moderator)}
              ></ipp-message>`;
          },
        )}
        </div>
      </div>
      ${this.unseen
        ? html`<button class="jump" @click=${this.scrollToEnd}>↓ ${t.newMessages} (${this.unseen})</button>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message-list': IppMessageList;
  }
}
