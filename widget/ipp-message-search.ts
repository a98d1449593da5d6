import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { emit } from './events';
import { roomName } from './format';
import { plainText } from './mention-text';
import { highlight, searchWords } from './highlight';
import { defaultI18n, type I18n } from './i18n';
import { shared } from './styles';
import type { Message, Room } from './types';
import './ipp-avatar';

/** Nothing is asked of the server for a search shorter than this. */
const MIN_LENGTH = 2;

/**
 * The messages matching a search (`GET /search`), as the words are typed:
 * for each, the room, the sender, the date and the text with the words
 * marked; more come a page at a time. Each result is a button (`buttons`),
 * which the element holding the search field moves through with the arrow keys.
 *
 * @fires ipp-jump - `{roomId, messageId}`: a result was chosen.
 */
@customElement('ipp-message-search')
export class IppMessageSearch extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      h3 {
        margin: 0;
        padding: 8px 12px 4px;
        font-size: 0.8rem;
        text-transform: uppercase;
        letter-spacing: 0.03em;
        color: var(--ipp-muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 0 8px;
        width: 100%;
        text-align: start;
        border-radius: 0;
        padding: 8px 12px;
      }
      ipp-avatar {
        --ipp-avatar-size: 28px;
        grid-row: span 2;
      }
      .where {
        font-size: 0.85em;
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .when {
        font-size: 0.8em;
        color: var(--ipp-muted);
      }
      .text {
        grid-column: 2 / 4;
        font-size: 0.9em;
        overflow-wrap: anywhere;
        color: var(--ipp-text);
      }
      mark {
        background: color-mix(in srgb, var(--ipp-accent) 35%, transparent);
        color: inherit;
        border-radius: 2px;
      }
      .note {
        padding: 6px 12px 10px;
        font-size: 0.85em;
        color: var(--ipp-muted);
      }
      .more {
        margin: 4px 12px 10px;
      }
    `,
  ];

  /** The words looked for. */
  @property() q = '';
  /** Only this room's messages (a search inside a conversation). */
  @property({ type: Number }) roomId?: number;
  /** The rooms, to name where a result is. */
  @property({ attribute: false }) rooms: Room[] = [];
  @property({ type: Number }) meId?: number;
  /** Names by user id, for the mentions in the results. */
  @property({ attribute: false }) nameOf: (userId: number) => string = (id) => `#${id}`;

  @consume({ context: actionsContext }) actions?: ChatActions;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private results: Message[] = [];
  @state() private searched = '';
  @state() private more = false;
  @state() private busy = false;
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  /** The result buttons, for keyboard moves from outside. */
  get buttons(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button')];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('q') && !changed.has('roomId')) return;
    clearTimeout(this.timer);
    const q = this.q.trim();
    if (q.length < MIN_LENGTH || !searchWords(q).length) {
      this.seq++;
      this.results = [];
      this.searched = '';
      return;
    }
    this.timer = setTimeout(() => void this.search(q), 250);
  }

  private async search(q: string, before?: number) {
    const seq = ++this.seq;
    this.busy = true;
    try {
      const page = await this.actions!.search(q, { roomId: this.roomId, before });
      // An older, slower answer must not replace a newer one.
      if (seq !== this.seq) return;
      this.results = before ? [...this.results, ...page] : page;
      this.more = page.length >= 20;
      this.searched = q;
    } catch {
      if (seq === this.seq) (this.results = []), (this.searched = q);
    } finally {
      if (seq === this.seq) this.busy = false;
    }
  }

  override render() {
    const { t } = this.i18n;
    if (!this.searched) return this.busy ? html`<p class="note" role="status">${t.searching}</p>` : nothing;
    const words = searchWords(this.searched);
    const names = new Map(this.rooms.map((r) => [r.id, roomName(r, this.meId)]));
    return html`<h3 id="found">${t.messagesFound}</h3>
      ${this.results.length
        ? html`<ul aria-labelledby="found">
            ${this.results.map(
              (m) => html`<li>
                <button @click=${() => emit(this, 'ipp-jump', { roomId: m.roomId, messageId: m.id })}>
                  <ipp-avatar .name=${m.senderName} .ident=${m.senderId}></ipp-avatar>
                  <span class="where">${m.senderName}${this.roomId ? '' : html` · ${names.get(m.roomId) ?? ''}`}</span>
                  <time class="when" datetime=${m.createdAt} title=${this.i18n.full(m.createdAt)}>${this.i18n.when(m.createdAt)}</time>
                  <span class="text">${highlight(plainText(m, this.nameOf, this.i18n.t.everyone), words)}</span>
                </button>
              </li>`,
            )}
          </ul>
          ${this.more
            ? html`<button class="more" ?disabled=${this.busy} @click=${() => this.search(this.searched, this.results.at(-1)!.id)}>${t.moreResults}</button>`
            : nothing}`
        : html`<p class="note" role="status">${t.noResults}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message-search': IppMessageSearch;
  }
}
