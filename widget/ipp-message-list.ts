import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { shared } from './styles';
import type { ChatMessage, Me, Member, Room } from './types';
import type { IppMessage } from './ipp-message';
import { readTicks } from './read-ticks';
import { ScrollAnchor } from './scroll-anchor';
import { SeenController } from './seen-controller';
import './ipp-message';

/** Within this distance of the bottom, new messages scroll into view. */
const NEAR = 120;

// A pending message and the server's copy of it are the same item (same clientId).
const key = (m: ChatMessage) => m.clientId ?? m.id;

/** Someone's name: a member's, mine, or a sender's of the messages shown. */
const namesOf = (members: Member[], me: Me | undefined, messages: () => ChatMessage[]) => {
  const byId = new Map(members.map((m) => [m.userId, m.name]));
  if (me) byId.set(me.user.id, me.user.name);
  return (id: number) => byId.get(id) ?? messages().find((m) => m.senderId === id)?.senderName ?? '…';
};

/**
 * The scrolling list of a room's messages, oldest first, with day separators
 * and a "new messages" line above the first unread one, where the room opens
 * (or at a message asked for, highlighted). Scrolling to an end asks for more;
 * new messages scroll into view only when the reader is near the bottom, else
 * a one-line button below the list says how many came. What the reader has on
 * screen is told up, so that only that counts as read.
 *
 * @fires ipp-load-older - the top was reached and there are older messages.
 * @fires ipp-load-newer - the bottom was reached and there are newer messages (a page opened around an older one).
 * @fires ipp-latest - the reader asked for the latest messages.
 * @fires ipp-seen - `{messageId}`: the newest message the reader has had on screen.
 * @fires ipp-draft - `{scroll}`: the reader scrolled (null: to the bottom).
 * @csspart bubble - a message bubble; also `thumbnail` and `file` for attachments, `avatar` for senders.
 */
@customElement('ipp-message-list')
export class IppMessageList extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .scroller {
        position: relative;
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overflow-anchor: none;
      }
      .unread {
        display: flex;
        align-items: center;
        gap: 8px;
        margin: 8px 10px;
        color: var(--ipp-danger);
        font-size: 0.8em;
        font-weight: 600;
      }
      .unread::before,
      .unread::after {
        content: '';
        flex: 1;
        border-top: 1px solid currentColor;
        opacity: 0.6;
      }
      .skeleton {
        padding: 12px;
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      .skeleton span {
        display: block;
        height: 34px;
        width: 55%;
        border-radius: 10px;
        background: var(--ipp-surface);
        animation: pulse 1.2s ease-in-out infinite alternate;
      }
      .skeleton span:nth-child(2n) {
        align-self: flex-end;
        width: 40%;
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
        margin: 16px;
        text-align: center;
        color: var(--ipp-muted);
      }
      .empty button {
        margin-top: 8px;
      }
      .jump {
        flex: none;
        display: flex;
        justify-content: center;
        padding: 2px 8px;
        border-top: 1px solid var(--ipp-border);
      }
      .jump button {
        color: var(--ipp-primary);
        font-weight: 600;
        font-size: 0.85em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: 100%;
        padding: 3px 10px;
      }
      :host([theme-dark]) .jump button {
        color: var(--ipp-text);
      }
    `,
  ];

  @property({ attribute: false }) room!: Room;
  @property({ attribute: false }) messages: ChatMessage[] = [];
  @property({ attribute: false }) members: Member[] = [];
  /** The last message every member has read, from GET /rooms/:id: the read ticks of a room whose members are not all loaded. */
  @property({ type: Number }) readThrough?: number | null;
  @property({ attribute: false }) me?: Me;
  @property({ type: Boolean }) hasMore = false;
  /** Whether newer messages exist than those shown: the bottom asks for them, live ones wait. */
  @property({ type: Boolean }) hasNewer = false;
  /** Whether the first page is still on its way (placeholders rather than "no messages" text). */
  @property({ type: Boolean }) loading = false;
  /** My read marker when the room was opened: the "new messages" line goes above the first message after it. */
  @property({ type: Number }) unreadAfter?: number;
  /** A message to bring into view and highlight (a search result, a quoted message). */
  @property({ type: Number }) focusId?: number;
  /** Where the reader was (the room's draft), taken once: null or undefined for the bottom. */
  @property({ attribute: false }) startAt?: number | null;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  /** The message in the tab order (its key). */
  @state() private active?: string | number;
  /** New messages that arrived below the visible part. */
  @state() private unseen = 0;
  @query('.scroller') private scroller!: HTMLElement;
  /** Names by user id, for mentions and reactions. */
  private nameOf = namesOf([], undefined, () => []);

  private anchor = new ScrollAnchor(this, () => this.scroller);
  private seen = new SeenController(this, (messageId) => emit(this, 'ipp-seen', { messageId }));
  private askedOlder = false;
  private askedNewer = false;
  /** Where the list opened (the "new messages" line, or the message asked for), once placed. */
  private placed = false;

  /** The messages rendered, in order. */
  private get items(): IppMessage[] {
    return [...this.renderRoot.querySelectorAll<IppMessage>('ipp-message')];
  }

  /** Whether the reader sees the bottom of the list (or close to it). */
  get nearBottom(): boolean {
    const s = this.scroller;
    return !s || s.scrollHeight - s.scrollTop - s.clientHeight < NEAR;
  }

  /** Scrolls to the newest message, and keeps following new ones. */
  scrollToEnd(): void {
    this.unseen = 0;
    this.anchor.toEnd();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: observe again what the controllers let go when it was taken out.
    if (this.hasUpdated) this.observe();
  }

  protected override firstUpdated(): void {
    this.observe();
  }

  // The content grows (messages render, pictures load) and the list shrinks (the composer grows).
  private observe() {
    this.anchor.observe(this.renderRoot.querySelector('.content')!, this.scroller);
    this.seen.watch(this.items);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new function when the members change, so that the messages show the names now known.
    if (changed.has('members') || changed.has('me')) this.nameOf = namesOf(this.members, this.me, () => this.messages);
    if (!this.hasUpdated && typeof this.startAt === 'number') this.anchor.restore(this.startAt);
    const old = changed.get('messages');
    if (!old?.length || !this.scroller) return;
    const first = this.messages[0];
    const last = this.messages.at(-1);
    if (first && key(first) !== key(old[0]) && last === old.at(-1)) {
      // Older messages go on top: the first one shown so far stays where it is.
      const el = this.renderRoot.querySelector<HTMLElement>('ipp-message');
      if (el) this.anchor.hold(el, el.offsetTop - this.scroller.scrollTop);
    } else if (last && key(last) !== key(old.at(-1)!)) {
      if (last.senderId === this.me?.user.id) this.scrollToEnd();
      else if (!this.anchor.stick) this.unseen++;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages')) {
      this.askedOlder = this.askedNewer = false;
      this.seen.watch(this.items);
      this.anchor.settle();
    }
    // Placed once the page has come: messages (the cached ones) may show before it has.
    if (!this.placed && (changed.has('messages') || changed.has('loading'))) void this.place();
  }

  /** Opens at the message asked for, else at the "new messages" line, else (settle) at the bottom. */
  private async place() {
    if (this.loading || !this.messages.length) return;
    this.placed = true;
    if (this.anchor.restoring) return;
    const focus = this.focusId !== undefined;
    const target = focus
      ? this.renderRoot.querySelector<HTMLElement>(`ipp-message[data-id="${this.focusId}"]`)
      : this.renderRoot.querySelector<HTMLElement>('.unread');
    if (!target) return;
    this.anchor.stick = false;
    // Where the target is depends on the messages above it having rendered.
    await Promise.all(this.items.map((m) => m.updateComplete));
    // Kept in place (a third down, or at the top for the line) while pictures above it load.
    this.anchor.hold(target, focus ? Math.round(this.scroller.clientHeight / 3) : 8);
    this.anchor.settle();
    if (focus) (target as IppMessage).flash();
  }

  private onScroll() {
    // Our own scrolling (settling) says nothing about where the reader wants to be.
    if (!this.anchor.readerScrolled(() => this.nearBottom && !this.hasNewer)) return;
    const stick = this.anchor.stick;
    if (stick) this.unseen = 0;
    emit(this, 'ipp-draft', { scroll: stick ? null : Math.round(this.scroller.scrollTop) });
    if (this.scroller.scrollTop < 60 && this.hasMore && !this.askedOlder) {
      this.askedOlder = true;
      emit(this, 'ipp-load-older');
    }
    if (this.nearBottom && this.hasNewer && !this.askedNewer) {
      this.askedNewer = true;
      emit(this, 'ipp-load-newer');
    }
  }

  // One message at a time is in the tab order (the last one by default); arrows move between them.
  private onKeydown(e: KeyboardEvent) {
    const items = this.items;
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

  /** What shows when a room has nothing said yet: an invitation to write, or in a record's room to add people. */
  private renderEmpty() {
    const { t } = this.i18n;
    const said = this.messages.some((m) => m.type !== 'system');
    if (this.loading && !this.messages.length) return html`<div class="skeleton" aria-busy="true" aria-label=${t.loading}><span></span><span></span><span></span></div>`;
    if (said || this.loading) return nothing;
    const alone = this.room.context && (this.room.memberCount ?? 2) < 2;
    const manage = this.me?.perms.includes('chat.manage_rooms') && (this.room.myRole === 'admin' || this.room.myRole === 'moderator');
    return html`<div class="empty">
      <p>${alone ? t.emptyRecord : t.emptyRoom}</p>
      ${alone && manage ? html`<button class="primary" @click=${() => emit(this, 'ipp-settings')}>${t.addPeople}</button>` : nothing}
    </div>`;
  }

  override render() {
    const { t } = this.i18n;
    const meId = this.me?.user.id;
    const active = this.messages.some((m) => key(m) === this.active) ? this.active : key(this.messages.at(-1) ?? ({ id: 0 } as ChatMessage));
    const perms = this.me?.perms ?? [];
    const ticks = readTicks(this.members, meId, this.room.memberCount, this.readThrough);
    const moderator = this.room.myRole === 'admin' || this.room.myRole === 'moderator';
    // The first unread message from someone else gets the "new messages" line above it.
    const firstUnread = this.unreadAfter === undefined ? undefined
      : this.messages.find((m) => m.id > this.unreadAfter! && m.senderId !== meId && m.type !== 'system')?.id;
    let prevDay = '';
    let prevSender: number | undefined;
    return html`
      <div class="scroller" role="log" aria-live="off" aria-label=${t.messages} @scroll=${this.onScroll}>
        <div class="content" @keydown=${this.onKeydown} @focusin=${this.onFocusin}>
        ${this.hasMore
          ? html`<button class="older" @click=${() => emit(this, 'ipp-load-older')}>${t.loadOlder}</button>`
          : nothing}
        ${repeat(
          this.messages,
          key,
          (m) => {
            const day = this.i18n.day(m.createdAt);
            const newDay = day !== prevDay;
            const system = m.type === 'system';
            const showSender = !system && this.room.type !== 'direct' && m.senderId !== meId && (newDay || m.senderId !== prevSender);
            prevDay = day;
            prevSender = system ? undefined : m.senderId;
            const mine = m.senderId === meId;
            const tick = mine && !system ? ticks(m.id) : undefined;
            return html`${newDay ? html`<div class="day">${day}</div>` : nothing}
              ${m.id === firstUnread ? html`<div class="unread" role="separator">${t.unreadLine}</div>` : nothing}
              <ipp-message
                exportparts="bubble, thumbnail, file, avatar"
                data-id=${m.id}
                .message=${m}
                ?mine=${mine && !system}
                ?showSender=${showSender}
                ?active=${key(m) === active}
                .readBy=${tick?.readBy ?? 0}
                .readers=${tick?.readers ?? 0}
                ?readAtLeast=${tick?.atLeast ?? false}
                ?canReply=${perms.includes('chat.create') && m.id > 0 && !system}
                ?canEdit=${mine && perms.includes('chat.update') && m.id > 0 && !system}
                ?canDelete=${m.id > 0 && !system && perms.includes('chat.delete') && (mine || moderator)}
                ?canReact=${perms.includes('chat.create') && !system}
                .meId=${meId ?? 0}
                .nameOf=${this.nameOf}
              ></ipp-message>`;
          },
        )}
        ${this.renderEmpty()}
        </div>
      </div>
      ${this.hasNewer
        ? html`<div class="jump"><button @click=${() => emit(this, 'ipp-latest')}>${icon('down')} ${t.toLatest}</button></div>`
        : this.unseen
          ? html`<div class="jump"><button @click=${this.scrollToEnd}>${icon('down')} ${t.newBelow(this.unseen)}</button></div>`
          : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message-list': IppMessageList;
  }
}
