import { consume } from '@lit/context';
import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit } from './events';
import { expressStrings, QUICK_REACTIONS } from './express-i18n';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { shared } from './styles';
import type { ChatMessage } from './types';

/** A smiley with a plus: "more reactions" (drawn, as emoji fonts are not everywhere). */
export const addReactionIcon = html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">${svg`<path
  d="M10 2a8 8 0 1 0 7.7 10h-2.1A6 6 0 1 1 10 4zm-3 7a1.3 1.3 0 1 0 0-2.6A1.3 1.3 0 0 0 7 9zm6 0a1.3 1.3 0 1 0 0-2.6A1.3 1.3 0 0 0 13 9zm-3 6.5c2 0 3.6-1.2 4.3-3H5.7c.7 1.8 2.3 3 4.3 3zM19 2h-2v3h-3v2h3v3h2V7h3V5h-3z"></path>`}</svg>`;

/**
 * What can be done with a message, shown on hover, focus or a long press: the
 * six quick reactions, "more" (the emoji picker), reply, edit and delete.
 *
 * @fires ipp-react - `{message, emoji, add}`: a quick reaction (added, or taken back when it was mine).
 * @fires ipp-emoji-open - `{message, anchor}`: pick another reaction.
 * @fires ipp-reply - `{message}`.
 * @fires ipp-start-edit - `{message}`.
 * @fires ipp-delete - `{message}` (after confirmation).
 */
@customElement('ipp-message-actions')
export class IppMessageActions extends LitElement {
  static override styles = [
    shared,
    css`
      /* Over the message's own row, never over the one above it; the message shows it on hover, focus or a long press. */
      :host {
        position: absolute;
        top: 2px;
        right: 8px;
        display: flex;
        gap: 2px;
        white-space: nowrap;
        font-size: 0.8em;
        background: var(--ipp-bg);
        border: 1px solid var(--ipp-border);
        border-radius: 6px;
        box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
        opacity: 0;
        pointer-events: none;
      }
      button {
        padding: 2px 6px;
      }
      .quick {
        font-size: 1.05em;
        padding: 1px 3px;
      }
      .icon {
        width: 16px;
        height: 16px;
      }
      [role='separator'] {
        width: 1px;
        margin: 2px 2px;
        background: var(--ipp-border);
      }
    `,
  ];

  @property({ attribute: false }) message!: ChatMessage;
  @property({ type: Number }) meId = 0;
  @property({ type: Boolean }) canReact = false;
  @property({ type: Boolean }) canReply = false;
  @property({ type: Boolean }) canEdit = false;
  @property({ type: Boolean }) canDelete = false;
  /** In the tab order (the active message of the list). */
  @property({ type: Boolean }) active = false;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'toolbar');
  }

  protected override willUpdate(): void {
    this.setAttribute('aria-label', expressStrings(this.i18n.lang).react);
  }

  override render() {
    const { t } = this.i18n;
    const x = expressStrings(this.i18n.lang);
    const message = this.message;
    const tab = this.active ? 0 : -1;
    const tool = (name: 'reply' | 'edit' | 'delete', label: string, onClick: () => void) =>
      html`<button tabindex=${tab} aria-label=${label} title=${label} @click=${onClick}>${icon(name)}</button>`;
    const mine = (emoji: string) => !!message.reactions?.find((r) => r.emoji === emoji)?.userIds.includes(this.meId);
    return html`
      ${this.canReact
        ? html`${QUICK_REACTIONS.map((emoji) => html`<button class="quick" tabindex=${tab} aria-label=${x.reactWith(emoji)} title=${x.reactWith(emoji)}
              aria-pressed=${mine(emoji)} @click=${() => emit(this, 'ipp-react', { message, emoji, add: !mine(emoji) })}>${emoji}</button>`)}
            <button tabindex=${tab} aria-label=${x.moreReactions} title=${x.moreReactions} aria-haspopup="dialog"
              @click=${(e: Event) => emit(this, 'ipp-emoji-open', { message, anchor: e.currentTarget as HTMLElement })}>${addReactionIcon}</button>
            ${this.canReply || this.canEdit || this.canDelete ? html`<span role="separator"></span>` : nothing}`
        : nothing}
      ${this.canReply ? tool('reply', t.reply, () => emit(this, 'ipp-reply', { message })) : nothing}
      ${this.canEdit ? tool('edit', t.edit, () => emit(this, 'ipp-start-edit', { message })) : nothing}
      ${this.canDelete ? tool('delete', t.delete, () => confirm(t.confirmDelete) && emit(this, 'ipp-delete', { message })) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-message-actions': IppMessageActions;
  }
}
