import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { problemOf } from './problems';
import { icon } from './icons';
import { shared, view } from './styles';
import { titleBar } from './title-bar';
import type { Room, User } from './types';
import './ipp-user-search';

/**
 * "Nouvelle conversation": pick a person to open the direct room with them,
 * or a public channel to join;
 * "Nouveau groupe" (`group`): name the group and pick its members.
 *
 * @fires ipp-room-created - `{room}`: the room to open (new or existing).
 * @fires ipp-back - cancelled.
 * @csspart header - the title bar.
 */
@customElement('ipp-new-room')
export class IppNewRoom extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    shared,
    view,
    css`
      form {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 10px;
        overflow-y: auto;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .chips span {
        background: var(--ipp-surface);
        border-radius: 12px;
        padding: 2px 4px 2px 10px;
      }
      h3 {
        margin: 8px 0 0;
        font-size: 0.9rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        width: 100%;
        text-align: start;
      }
      .error {
        color: var(--ipp-danger);
      }
    `,
  ];

  /** Create a group rather than open a direct conversation. */
  @property({ type: Boolean }) group = false;
  @property({ type: Number }) meId?: number;

  @consume({ context: actionsContext }) actions?: ChatActions;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private picked: User[] = [];
  @state() private name = '';
  @state() private error = '';
  /** Public channels, offered beside people for a new conversation. */
  @state() private channels: Room[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.group) this.actions?.channels().then((rooms) => (this.channels = rooms), () => {});
  }

  /** Opens, creates or joins a room, then hands it up. */
  private async create(body: Parameters<ChatActions['createRoom']>[0]) {
    try {
      emit(this, 'ipp-room-created', { room: await this.actions!.createRoom(body) });
    } catch (e) {
      this.error = problemOf(this.i18n, e);
    }
  }

  private pick(user: User) {
    if (!this.group) void this.create({ type: 'direct', userId: user.id });
    else this.picked = [...this.picked, user];
  }

  override render() {
    const { t } = this.i18n;
    return html`
      ${titleBar(this, { back: t.back, title: this.group ? t.newGroup : t.newChat })}
      <form
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.create({ type: 'group', name: this.name.trim(), memberIds: this.picked.map((u) => u.id) });
        }}
      >
        ${this.group
          ? html`<input
              aria-label=${t.groupName}
              placeholder=${t.groupName}
              required
              maxlength="100"
              .value=${this.name}
              @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
            />`
          : nothing}
        <ipp-user-search
          .exclude=${[this.meId ?? 0, ...this.picked.map((u) => u.id)]}
          @ipp-user-pick=${(e: HTMLElementEventMap['ipp-user-pick']) => this.pick(e.detail.user)}
        ></ipp-user-search>
        ${this.group
          ? html`<div class="chips" aria-label=${t.members} role="list">
                ${this.picked.map(
                  (u) => html`<span role="listitem"
                    >${u.name}
                    <button type="button" aria-label=${t.remove(u.name)} @click=${() => (this.picked = this.picked.filter((p) => p !== u))}>
                      ${icon('close')}
                    </button></span
                  >`,
                )}
              </div>
              <button class="primary" ?disabled=${!this.name.trim()}>${t.create}</button>`
          : this.renderChannels()}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </form>
    `;
  }

  private renderChannels() {
    if (!this.channels.length) return nothing;
    return html`<h3>${this.i18n.t.channels}</h3>
      <ul>
        ${this.channels.map(
          (c) => html`<li><button type="button" @click=${() => this.create({ join: c.id })}># ${c.name}</button></li>`,
        )}
      </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-new-room': IppNewRoom;
  }
}
