import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { defaultI18n, type I18n } from './i18n';
import { problemOf } from './problems';
import { iconButton } from './icons';
import { shared, view } from './styles';
import { titleBar } from './title-bar';
import type { Me, Member, Presence, Role, Room } from './types';
import './ipp-avatar';
import './ipp-room-export';
import './ipp-user-search';

/**
 * Room settings: mute, export (Excel, PDF) and leave for everyone (a direct
 * conversation is hidden instead, until its next message); rename and members (add, remove)
 * for the room's admins and moderators, roles for its admins, when the host
 * grants chat.manage_rooms as well. A big room lists its first members and
 * loads more on "Voir plus"; its header counts them all.
 *
 * Acts through the widget's actions, which apply the answers to the store.
 *
 * @fires ipp-back - closed.
 * @csspart header - the title bar.
 */
@customElement('ipp-room-settings')
export class IppRoomSettings extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    shared,
    view,
    css`
      .body {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 10px;
        overflow-y: auto;
      }
      h3 {
        margin: 0;
        font-size: 0.9rem;
      }
      form,
      li {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      form input {
        flex: 1;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      li .who {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      li ipp-avatar {
        --ipp-avatar-size: 28px;
      }
      .danger {
        color: var(--ipp-danger);
        align-self: flex-start;
      }
      .more {
        align-self: center;
      }
      .error {
        color: var(--ipp-danger);
      }
    `,
  ];

  @property({ attribute: false }) room!: Room;
  /** The room's display name, in the title bar. */
  @property() name = '';
  @property({ attribute: false }) members: Member[] = [];
  /** Who is online, by user id. */
  @property({ attribute: false }) presence = new Map<number, Presence>();
  @property({ attribute: false }) me?: Me;

  @consume({ context: actionsContext }) actions?: ChatActions;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private error = '';
  @state() private loadingMore = false;

  /** The next page of members, from where the loaded ones end. */
  private loadMore = async () => {
    this.loadingMore = true;
    await this.act((a, r) => a.loadMembers(r));
    this.loadingMore = false;
  };

  /** Runs an action on the room, showing why it failed if it does. */
  private async act(action: (a: ChatActions, room: Room) => Promise<void>) {
    try {
      this.error = '';
      await action(this.actions!, this.room);
    } catch (e) {
      this.error = problemOf(this.i18n, e);
    }
  }

  override render() {
    const { t } = this.i18n;
    const meId = this.me?.user.id;
    // A room role gives nothing the host's permissions do not: managing needs chat.manage_rooms too.
    const host = !!this.me?.perms.includes('chat.manage_rooms');
    const admin = host && this.room.myRole === 'admin';
    const manage = host && this.room.type !== 'direct' && (admin || this.room.myRole === 'moderator');
    return html`
      ${titleBar(this, { back: t.back, title: this.name || t.settings, sub: this.name ? t.settings : '' })}
      <div class="body">
        ${manage
          ? html`<form
              @submit=${(e: SubmitEvent) => {
                e.preventDefault();
                const name = new FormData(e.target as HTMLFormElement).get('name') as string;
                void this.act((a, r) => a.rename(r, name.trim()));
              }}
            >
              <input name="name" required maxlength="100" aria-label=${t.rename} .value=${this.room.name ?? ''} />
              <button class="primary">${t.save}</button>
            </form>`
          : nothing}
        <label>
          <input type="checkbox" .checked=${this.room.muted} @change=${(e: Event) => this.act((a, r) => a.mute(r, (e.target as HTMLInputElement).checked))} />
          ${t.mute}
        </label>
        ${this.me?.perms.includes('chat.read') ? html`<h3>${t.exportTitle}</h3><ipp-room-export .room=${this.room}></ipp-room-export>` : nothing}
        ${this.room.type === 'direct' ? nothing : this.renderMembers(manage, admin, meId)}
        ${this.room.type === 'direct'
          ? html`<button class="danger" aria-describedby="hide-hint" @click=${() => this.act((a, r) => a.leave(r))}>
                ${t.hide}
              </button>
              <small id="hide-hint">${t.hideHint}</small>`
          : html`<button class="danger" @click=${() => confirm(t.confirmLeave) && this.act((a, r) => a.leave(r))}>
              ${t.leave}
            </button>`}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </div>
    `;
  }

  private renderMembers(manage: boolean, admin: boolean, meId?: number) {
    const { t } = this.i18n;
    const roles: Role[] = ['admin', 'moderator', 'member'];
    const count = Math.max(this.room.memberCount ?? 0, this.members.length);
    return html`<h3>${t.members} (${count})</h3>
      <ul>
        ${this.members.map(
          (m) => html`<li>
            <ipp-avatar exportparts="avatar" .name=${m.name} .ident=${m.userId} ?online=${this.presence.get(m.userId)?.online ?? !!m.online}></ipp-avatar>
            <span class="who" title=${m.name}>${m.name}</span>
            ${admin && m.userId !== meId
              ? html`<select aria-label=${t.roleOf(m.name)} @change=${(e: Event) => this.act((a, r) => a.setRole(r, m.userId, (e.target as HTMLSelectElement).value as Role))}>
                  ${roles.map((r) => html`<option value=${r} ?selected=${r === m.role}>${t.roles[r]}</option>`)}
                </select>`
              : html`<small>${t.roles[m.role]}</small>`}
            ${manage && m.userId !== meId
              ? iconButton('close', t.remove(m.name), () => this.act((a, r) => a.removeMember(r, m.userId)))
              : nothing}
          </li>`,
        )}
      </ul>
      ${this.members.length < count
        ? html`<button class="more" ?disabled=${this.loadingMore} @click=${this.loadMore}>${t.moreMembers}</button>`
        : nothing}
      ${manage
        ? html`<ipp-user-search
            .label=${t.addMember}
            .exclude=${this.members.map((m) => m.userId)}
            @ipp-user-pick=${(e: HTMLElementEventMap['ipp-user-pick']) => this.act((a, r) => a.addMember(r, e.detail.user.id))}
          ></ipp-user-search>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-room-settings': IppRoomSettings;
  }
}
