import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit } from './events';
import { expressStrings } from './express-i18n';
import { defaultI18n, type I18n } from './i18n';
import { shared } from './styles';
import type { ChatMessage } from './types';

/**
 * The reactions under a message: one chip per emoji with its count, mine
 * pressed, who reacted in its title and accessible name. Clicking a chip adds
 * my reaction, or takes it back.
 *
 * @fires ipp-react - `{message, emoji, add}`: add or remove my reaction.
 */
@customElement('ipp-reactions')
export class IppReactions extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        margin-top: 2px;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        padding: 1px 8px;
        border: 1px solid var(--ipp-border);
        border-radius: 12px;
        background: var(--ipp-bg);
        font-size: 0.85em;
        line-height: 1.5;
      }
      button[aria-pressed='true'] {
        border-color: var(--ipp-accent);
        background: color-mix(in srgb, var(--ipp-accent) 16%, var(--ipp-bg));
        font-weight: 600;
      }
      button:disabled {
        cursor: default;
        opacity: 1;
      }
    `,
  ];

  @property({ attribute: false }) message!: ChatMessage;
  @property({ type: Number }) meId = 0;
  /** Names by user id, for who reacted. */
  @property({ attribute: false }) nameOf: (userId: number) => string = (id) => `#${id}`;
  /** Whether I may react (chat.create): without it the chips only show. */
  @property({ type: Boolean }) canReact = false;
  /** The message of the list that is in the tab order. */
  @property({ type: Boolean }) active = false;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  override render() {
    const x = expressStrings(this.i18n.lang);
    const message = this.message;
    return (message.reactions ?? []).map(({ emoji, userIds }) => {
      const mine = userIds.includes(this.meId);
      const names = userIds.map((id) => (id === this.meId ? x.you : this.nameOf(id)));
      const label = x.reactedBy(emoji, names, mine && this.canReact);
      return html`<button aria-pressed=${mine} aria-label=${label} title=${label} tabindex=${this.active ? 0 : -1} ?disabled=${!this.canReact}
        @click=${() => emit(this, 'ipp-react', { message, emoji, add: !mine })}>${emoji} ${userIds.length}</button>`;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-reactions': IppReactions;
  }
}
