import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { shared } from './styles';
import type { User } from './types';
import './ipp-avatar';

/**
 * Searches the user directory (`GET /users?q=`) as one types, and lists the
 * matches as buttons.
 *
 * @fires ipp-user-pick - `{user}`: a user was chosen.
 */
@customElement('ipp-user-search')
export class IppUserSearch extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
      }
      input {
        width: 100%;
      }
      ul {
        list-style: none;
        margin: 4px 0 0;
        padding: 0;
      }
      li button {
        display: flex;
        align-items: center;
        gap: 8px;
        width: 100%;
        text-align: start;
      }
      li ipp-avatar {
        --ipp-avatar-size: 26px;
      }
      .who {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      small {
        color: var(--ipp-muted);
      }
    `,
  ];

  /** Users not to list (me, the members already there). */
  @property({ attribute: false }) exclude: number[] = [];
  /** The input's accessible name; the i18n "search people" by default. */
  @property() label = '';

  @consume({ context: actionsContext }) actions?: ChatActions;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private users: User[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private seq = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  private onInput(e: Event) {
    const q = (e.target as HTMLInputElement).value.trim();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.search(q), 200);
  }

  private async search(q: string) {
    const seq = ++this.seq;
    if (!q) return void (this.users = []);
    try {
      const users = await this.actions!.findUsers(q);
      // An older, slower answer must not replace a newer one.
      if (seq === this.seq) this.users = users;
    } catch {
      this.users = [];
    }
  }

  /** Hands the person up, and starts the next search afresh. */
  private pick(user: User) {
    emit(this, 'ipp-user-pick', { user });
    this.seq++;
    this.users = [];
    const input = this.renderRoot.querySelector('input');
    if (input) {
      input.value = '';
      input.focus();
    }
  }

  override render() {
    const label = this.label || this.i18n.t.searchUsers;
    const users = this.users.filter((u) => !this.exclude.includes(u.id));
    return html`<input type="search" aria-label=${label} placeholder=${label} @input=${this.onInput} />
      ${users.length
        ? html`<ul>
            ${users.map(
              (user) => html`<li>
                <button @click=${() => this.pick(user)}>
                  <ipp-avatar .name=${user.name} .ident=${user.id} ?online=${!!user.online}></ipp-avatar>
                  <span class="who" title=${user.name}>${user.name} ${user.email ? html`<small>${user.email}</small>` : nothing}</span>
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-user-search': IppUserSearch;
  }
}
