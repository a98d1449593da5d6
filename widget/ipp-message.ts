import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { linkify } from './linkify';
import { icon } from './icons';
import { shared } from './styles';
import type { ChatMessage } from './types';
import './ipp-attachment';

/**
 * One message: sender, quoted reply, text (links made clickable), attachments,
 * time, edited mark, read ticks or sending state, and its actions.
 *
 * @fires ipp-reply - `{message}`: reply to this message.
 * @fires ipp-start-edit - `{message}`: edit this message.
 * @fires ipp-delete - `{message}`: delete this message (after confirmation).
 * @fires ipp-retry - `{message}`: send this failed message again.
 * @csspart bubble - the message bubble.
 * @csspart thumbnail - an image attachment (from ipp-attachment).
 * @csspart file - a file attachment (from ipp-attachment).
 */
@customElement('ipp-message')
export class IppMessage extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        padding: 2px 10px;
      }
      :host([mine]) {
        align-items: flex-end;
      }
      :host(:focus-visible) {
        outline: 2px solid var(--ipp-focus);
        outline-offset: -2px;
      }
      .bubble {
        position: relative;
        max-width: 85%;
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
        font-size: 0.8em;
        font-weight: 600;
        color: var(--ipp-muted);
        margin: 4px 4px 0;
      }
      blockquote {
        margin: 0 0 4px;
        padding: 2px 8px;
        border-inline-start: 3px solid var(--ipp-accent);
        color: var(--ipp-muted);
        font-size: 0.9em;
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
      .actions {
        position: absolute;
        bottom: calc(100% - 8px);
        right: 4px;
        white-space: nowrap;
        display: flex;
        gap: 2px;
        font-size: 0.8em;
        background: var(--ipp-bg);
        border: 1px solid var(--ipp-border);
        border-radius: 6px;
        opacity: 0;
        pointer-events: none;
      }
      :host(:hover) .actions,
      :host(:focus-within) .actions {
        opacity: 1;
        pointer-events: auto;
      }
      .actions.shown {
        position: static;
        opacity: 1;
        pointer-events: auto;
        border: 0;
        background: none;
      }
      .actions button {
        padding: 2px 6px;
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
  @property({ type: Boolean }) canReply = false;
  @property({ type: Boolean }) canEdit = false;
  @property({ type: Boolean }) canDelete = false;
  /** The message of the list that is in the tab order (the others are reached with the arrow keys). */
  @property({ type: Boolean }) active = false;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'article');
  }

  protected override willUpdate(): void {
    this.tabIndex = this.active ? 0 : -1;
  }

  override render() {
    const m = this.message;
    const { t } = this.i18n;
    const gone = !!m.deletedAt;
    return html`
      ${this.showSender ? html`<div class="sender">${m.senderName}</div>` : nothing}
      <div class="bubble" part="bubble">
        ${m.replyTo && !gone
          ? html`<blockquote><strong>${m.replyTo.senderName}</strong> ${m.replyTo.excerpt}</blockquote>`
          : nothing}
        ${gone ? html`<span class="deleted">${t.deleted}</span>` : html`<span class="text">${linkify(m.content)}</span>`}
        ${m.attachments.length && !gone
          ? html`<div class="files">${m.attachments.map((a) => html`<ipp-attachment exportparts="thumbnail, file" .attachment=${a}></ipp-attachment>`)}</div>`
          : nothing}
        ${m.files?.length && m.status === 'sending'
          ? html`<div class="files">${icon('attach')} ${m.files.map((f) => f.name).join(', ')}</div>
              <progress max="1" .value=${m.progress ?? 0} aria-label=${t.sending}></progress>`
          : nothing}
        <div class="meta">
          <time datetime=${m.createdAt}>${this.i18n.time(m.createdAt)}</time>
          ${m.editedAt && !gone ? html`<span>${t.edited}</span>` : nothing} ${this.renderState()}
        </div>
        ${gone || m.status === 'sending' ? nothing : this.renderActions()}
      </div>
    `;
  }

  private renderState() {
    const { t } = this.i18n;
    const m = this.message;
    if (m.status === 'sending') return html`<span role="img" aria-label=${t.sending} title=${t.sending}>${icon('clock')}</span>`;
    if (m.status === 'failed') return html`<span class="failed">${t.failed}</span>`;
    if (!this.mine || !this.readBy) return nothing;
    const all = this.readBy >= this.readers;
    const label = all ? t.readByAll : t.readBySome(this.readBy);
    return html`<span role="img" aria-label=${label} title=${label}>${all ? '✓✓' : '✓'}</span>`;
  }

  private renderActions() {
    const { t } = this.i18n;
    const message = this.message;
    const button = (label: string, onClick: () => void) =>
      html`<button tabindex=${this.active ? 0 : -1} @click=${onClick}>${label}</button>`;
    if (message.status === 'failed') {
      return html`<div class="actions shown">${button(t.retry, () => emit(this, 'ipp-retry', { message }))}</div>`;
    }
    return html`<div class="actions">
      ${this.canReply ? button(t.reply, () => emit(this, 'ipp-reply', { message })) : nothing}
      ${this.canEdit ? button(t.edit, () => emit(this, 'ipp-start-edit', { message })) : nothing}
      ${this.canDelete ? button(t.delete, () => confirm(t.confirmDelete) && emit(this, 'ipp-delete', { message })) : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message': IppMessage;
  }
}
