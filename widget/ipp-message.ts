import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { excerptText } from './mention-text';
import { longPress } from './long-press';
import { messageActions, messageActionsStyles } from './message-actions';
import { onlyEmoji, richText, richTextStyles } from './rich-text';
import { shared, toneOf, tones } from './styles';
import type { ChatMessage } from './types';
import './ipp-attachment';
import './ipp-avatar';
import './ipp-reactions';

/**
 * One message: sender (avatar and name on the first of a run), quoted reply,
 * text (links made clickable, mentions as highlighted names, up to three
 * emoji alone larger), attachments, time (full date on hover), edited mark,
 * read ticks or sending state, its reactions, and its actions beside the
 * bubble (on hover, focus or a long press). A system message is one centred
 * line ("Sophie a ajouté Julien").
 *
 * @fires ipp-reply - `{message}`: reply to this message.
 * @fires ipp-jump - `{roomId, messageId}`: show the quoted message.
 * @fires ipp-discard - `{message}`: drop this message, which could not be sent.
 * @fires ipp-start-edit - `{message}`: edit this message.
 * @fires ipp-delete - `{message}`: delete this message (after confirmation).
 * @fires ipp-retry - `{message}`: send this failed message again.
 * @fires ipp-react - `{message, emoji, add}`: from the chips and the quick reactions (message-actions.ts).
 * @fires ipp-emoji-open - `{message, anchor}`: pick another reaction.
 * @csspart bubble - the message bubble.
 * @csspart thumbnail - an image attachment (from ipp-attachment).
 * @csspart file - a file attachment (from ipp-attachment).
 */
@customElement('ipp-message')
export class IppMessage extends LitElement {
  static override styles = [
    shared,
    tones,
    richTextStyles,
    messageActionsStyles,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        padding: 2px 10px 2px 48px;
        border-radius: 6px;
        transition: background 1s;
      }
      :host([mine]) {
        align-items: flex-end;
        padding-inline: 48px 10px;
      }
      :host([flash]) {
        background: color-mix(in srgb, var(--ipp-accent) 22%, transparent);
        transition: none;
      }
      .row {
        max-width: 85%;
      }
      ipp-avatar {
        position: absolute;
        left: 10px;
        top: 22px;
        --ipp-avatar-size: 30px;
      }
      .system {
        align-self: center;
        max-width: 90%;
        margin: 4px 0;
        padding: 2px 10px;
        border-radius: 10px;
        background: var(--ipp-surface);
        color: var(--ipp-muted);
        font-size: 0.8em;
        text-align: center;
      }
      :host(:focus-visible) {
        outline: 2px solid var(--ipp-focus);
        outline-offset: -2px;
      }
      .bubble {
        position: relative;
        max-width: 100%;
        min-width: 0;
        padding: 6px 10px;
        border-radius: 10px;
        background: var(--ipp-surface);
        overflow-wrap: anywhere;
      }
      .text {
        white-space: pre-wrap;
      }
      :host([mine]) .bubble {
        background: var(--ipp-mine);
      }
      .sender {
        color: color-mix(in srgb, var(--ipp-tone) var(--ipp-name-tone, 100%), #fff);
        font-size: 0.8em;
        font-weight: 600;
        margin: 6px 4px 1px;
        max-width: 100%;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      blockquote {
        margin: 0 0 4px;
        padding: 2px 8px;
        border-inline-start: 3px solid var(--ipp-accent);
        color: var(--ipp-muted);
        font-size: 0.9em;
      }
      blockquote button {
        display: block;
        padding: 0;
        text-align: start;
        font-size: inherit;
        color: inherit;
      }
      .ticks {
        color: var(--ipp-muted);
      }
      .ticks.read {
        color: var(--ipp-read, #1a73e8);
        font-weight: 700;
      }
      .deleted {
        font-style: italic;
        color: var(--ipp-muted);
      }
      .meta {
        display: flex;
        gap: 6px;
        justify-content: flex-end;
        font-size: 0.75em;
        color: var(--ipp-muted);
        white-space: nowrap;
      }
      .meta .icon {
        width: 12px;
        height: 12px;
      }
      .failed {
        color: var(--ipp-danger);
      }
      :host([mine]) .actions {
        right: auto;
        left: 8px;
      }
      :host(:hover) .actions,
      :host(:focus-within) .actions,
      :host([pressed]) .actions {
        opacity: 1;
        pointer-events: auto;
      }
      .files {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-top: 4px;
      }
      progress {
        width: 100%;
      }
    `,
  ];

  @property({ attribute: false }) message!: ChatMessage;
  /** Whether I wrote it (reflected for styling). */
  @property({ type: Boolean, reflect: true }) mine = false;
  /** Whether to show the sender's name above the bubble. */
  @property({ type: Boolean }) showSender = false;
  /** How many of the other members have read it, and how many there are. */
  @property({ type: Number }) readBy = 0;
  @property({ type: Number }) readers = 0;
  /** Whether readBy is only a floor (a big room, whose members are not all loaded). */
  @property({ type: Boolean }) readAtLeast = false;
  @property({ type: Boolean }) canReply = false;
  @property({ type: Boolean }) canEdit = false;
  @property({ type: Boolean }) canDelete = false;
  /** The message of the list that is in the tab order (the others are reached with the arrow keys). */
  @property({ type: Boolean }) active = false;
  /** My user id, and the names of the room's people: for the mentions and who reacted. */
  @property({ type: Number }) meId = 0;
  @property({ attribute: false }) nameOf: (userId: number) => string = (id) => `#${id}`;
  /** Whether I may react (chat.create). */
  @property({ type: Boolean }) canReact = false;

  /** Highlights the message for a moment (it was asked for: a search result, a quoted message). */
  flash(): void {
    this.setAttribute('flash', '');
    setTimeout(() => this.removeAttribute('flash'), 1600);
  }

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'article');
  }

  constructor() {
    super();
    longPress(this);
  }

  protected override willUpdate(): void {
    this.tabIndex = this.active ? 0 : -1;
  }

  override render() {
    const m = this.message;
    const { t } = this.i18n;
    if (m.type === 'system') {
      return html`<div class="system">${this.i18n.system(m)} · <time datetime=${m.createdAt} title=${this.i18n.full(m.createdAt)}>${this.i18n.time(m.createdAt)}</time></div>`;
    }
    const gone = !!m.deletedAt;
    return html`
      ${this.showSender
        ? html`<ipp-avatar exportparts="avatar" .name=${m.senderName} .ident=${m.senderId}></ipp-avatar>
            <div class="sender ${toneOf(m.senderId)}" title=${m.senderName}>${m.senderName}</div>`
        : nothing}
      <div class="row">
        <div class="bubble" part="bubble">
          ${m.replyTo && !gone
            ? html`<blockquote><button tabindex=${this.active ? 0 : -1} @click=${() => emit(this, 'ipp-jump', { roomId: m.roomId, messageId: m.replyTo!.id })}
                ><strong>${m.replyTo.senderName}</strong> ${excerptText(m.replyTo.excerpt, this.nameOf, t.everyone)}</button></blockquote>`
            : nothing}
          ${gone ? html`<span class="deleted">${t.deleted}</span>`
            : html`<span class="text ${onlyEmoji(m.content) ? 'jumbo' : ''}">${richText(m, { nameOf: this.nameOf, meId: this.meId, everyone: t.everyone })}</span>`}
          ${m.attachments.length && !gone
            ? html`<div class="files">${m.attachments.map((a) => html`<ipp-attachment exportparts="thumbnail, file" .attachment=${a}></ipp-attachment>`)}</div>`
            : nothing}
          ${m.files?.length && m.status
            ? html`<div class="files">${icon('attach')} ${m.files.map((f) => f.name).join(', ')}</div>
                ${m.status === 'sending' ? html`<progress max="1" .value=${m.progress ?? 0} aria-label=${t.sending}></progress>` : nothing}`
            : nothing}
          <div class="meta">
            <time datetime=${m.createdAt} title=${this.i18n.full(m.createdAt)}>${this.i18n.time(m.createdAt)}</time>
            ${m.editedAt && !gone ? html`<span>${t.edited}</span>` : nothing} ${gone ? nothing : this.renderState()}
          </div>
        </div>
        ${m.reactions?.length && !gone
          ? html`<ipp-reactions .message=${m} .meId=${this.meId} .nameOf=${this.nameOf} ?canReact=${this.canReact} ?active=${this.active}></ipp-reactions>`
          : nothing}
      </div>
      ${gone || m.status === 'sending' ? nothing : this.renderActions()}
    `;
  }

  private renderState() {
    const { t } = this.i18n;
    const m = this.message;
    if (m.status === 'sending') return html`<span role="img" aria-label=${t.sending} title=${t.sending}>${icon('clock')}</span>`;
    if (m.status === 'failed') return html`<span class="failed">${t.failed}</span>`;
    if (!this.mine) return nothing;
    // One grey ✓ when sent, a coloured ✓ when some have read it, ✓✓ when all have.
    const all = this.readBy > 0 && this.readBy >= this.readers;
    const label = !this.readBy ? t.sent : all ? t.readByAll : this.readAtLeast ? t.readByAtLeast(this.readBy) : t.readBySome(this.readBy);
    return html`<span class="ticks ${this.readBy ? 'read' : ''}" role="img" aria-label=${label} title=${label}>${all ? '✓✓' : '✓'}</span>`;
  }

  private renderActions() {
    const { t } = this.i18n;
    const message = this.message;
    const button = (label: string, onClick: () => void) =>
      html`<button tabindex=${this.active ? 0 : -1} @click=${onClick}>${label}</button>`;
    if (message.status === 'failed') {
      return html`<div class="actions shown">
        ${button(t.retry, () => emit(this, 'ipp-retry', { message }))}
        ${message.files?.length ? button(t.discard, () => emit(this, 'ipp-discard', { message })) : nothing}
      </div>`;
    }
    return messageActions(this, this.i18n, message, this);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message': IppMessage;
  }
}
