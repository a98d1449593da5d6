import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ChatSession } from './chat-session';
import { chatPath } from './chat-icon';
import { launcherStrings, pickLang } from './launcher-i18n';
import { unlockSound } from './notify';
import { PARTS } from './parts';
import { leftOpen } from './saved';
import { tokens } from './tokens';
import type { RoomContext } from './types';

/**
 * The messenger. In `float` mode (the default): a launcher button
 * bottom-right with the unread total, and a panel (`<ipp-chat-panel>`, loaded
 * on first use) with the conversation list or one conversation. In `page`
 * mode: the conversation page, list and conversation side by side filling its
 * container (one pane on phones); a floating `<ipp-chat>` of the same page
 * then stays out of the way. Every page loads this element and the launcher;
 * the session (chat-session.ts: the state, the sync with the server, the
 * token, the live feed) comes right after, and the panel on first open or
 * when the browser is idle.
 *
 * @fires ipp-chat-unread - `{count}`: the unread total (muted rooms excluded) changed.
 * @fires ipp-chat-room - `{roomId}`: the open room changed (null: none), so that a host page can keep its URL in step.
 * @csspart launcher - the round button that opens and closes the panel.
 * @csspart badge - the unread count on the launcher (and its "@" when a message mentions me).
 * @csspart mention - the "@" on the launcher: unread messages mention me, in a muted room too.
 * @csspart panel - the chat panel.
 * @csspart header - the title bar of each view.
 * @csspart room - a row of the conversation list.
 * @csspart bubble - a message bubble.
 * @csspart input - the message text area.
 * @csspart thumbnail - an image attachment's preview.
 * @csspart file - a file attachment's chip.
 * @cssproperty --ipp-chat-primary - header and own-message colour (navy).
 * @cssproperty --ipp-chat-accent - launcher, badges and primary buttons (orange).
 * @cssproperty --ipp-chat-on-primary - text on the primary colour.
 * @cssproperty --ipp-chat-on-accent - text on the accent colour.
 * @cssproperty --ipp-chat-background - panel background.
 * @cssproperty --ipp-chat-surface - secondary background (bubbles, hover).
 * @cssproperty --ipp-chat-text - text colour.
 * @cssproperty --ipp-chat-muted - secondary text colour.
 * @cssproperty --ipp-chat-border - borders.
 * @cssproperty --ipp-chat-bubble-mine - background of my messages.
 * @cssproperty --ipp-chat-radius - corner radius of the panel.
 * @cssproperty --ipp-chat-font - font family.
 * @cssproperty --ipp-chat-width - panel width (380px).
 * @cssproperty --ipp-chat-height - panel height (600px).
 * @cssproperty --ipp-chat-offset - distance from the viewport's edges (20px).
 * @cssproperty --ipp-chat-z-index - stacking level (2147483000).
 */
@customElement('ipp-chat')
export class IppChat extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        position: fixed;
        right: var(--ipp-chat-offset, 20px);
        bottom: var(--ipp-chat-offset, 20px);
        z-index: var(--ipp-chat-z-index, 2147483000);
        font-size: 14px;
        line-height: 1.4;
        text-align: start;
      }
      :host([mode='page']) {
        position: relative;
        inset: auto;
        z-index: auto;
        display: block;
        height: 100%;
        min-height: 420px;
      }
      :host([hidden]) {
        display: none;
      }
      button {
        font: inherit;
        border: 0;
        cursor: pointer;
        padding: 0;
      }
      :focus-visible {
        outline: 2px solid var(--ipp-focus);
        outline-offset: 1px;
      }
      .sr-only {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip: rect(0 0 0 0);
        white-space: nowrap;
      }
      .launcher {
        position: relative;
        width: 56px;
        height: 56px;
        border-radius: 50%;
        background: var(--ipp-primary);
        color: var(--ipp-on-primary);
        box-shadow: 0 4px 14px rgb(0 0 0 / 0.25);
        display: grid;
        place-items: center;
      }
      .launcher:hover {
        background: var(--ipp-primary);
        filter: brightness(1.15);
      }
      .badge {
        position: absolute;
        top: -4px;
        right: -4px;
        min-width: 20px;
        padding: 1px 6px;
        border-radius: 10px;
        background: var(--ipp-accent);
        color: var(--ipp-on-accent);
        font-size: 0.75rem;
        font-weight: 700;
        text-align: center;
      }
      .at {
        right: auto;
        left: -4px;
      }
      svg {
        width: 28px;
        height: 28px;
        fill: currentColor;
      }
      #panel {
        position: fixed;
        right: var(--ipp-chat-offset, 20px);
        bottom: calc(var(--ipp-chat-offset, 20px) + 68px);
        width: min(var(--ipp-chat-width, 380px), calc(100vw - 2 * var(--ipp-chat-offset, 20px)));
        height: min(var(--ipp-chat-height, 600px), calc(100vh - 110px));
        border: 1px solid var(--ipp-border);
        border-radius: var(--ipp-radius);
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
      }
      :host([mode='page']) #panel {
        position: absolute;
        inset: 0;
        width: auto;
        height: auto;
        box-shadow: none;
      }
      @media (max-width: 480px) {
        :host(:not([mode='page'])) #panel {
          inset: 0;
          width: 100vw;
          height: 100dvh;
          border-radius: 0;
          border: 0;
        }
      }
    `,
  ];

  /** Base URL of the chat API, e.g. `https://chat.example/api/chat`. */
  @property() api = '';
  /** Host route answering `{token}` for the session's user (fetched with cookies). */
  @property({ attribute: 'token-url' }) tokenUrl = '';
  /** A static token, instead of `token-url`. */
  @property() token = '';
  /** UI language, `fr` (default) or `en`; the page's `lang` when unset. */
  @property() override lang = '';
  /** Whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'light';
  /** When set, the page title is prefixed with the unread total, e.g. "(3) Dossiers". */
  @property({ type: Boolean, attribute: 'title-badge' }) titleBadge = false;
  /** When set, no sound plays for new messages. */
  @property({ type: Boolean }) silent = false;
  /** The kind of host record this page shows, e.g. `invoice`: with `context-id` and `context-label`, offers its conversation. */
  @property({ attribute: 'context-type' }) contextType = '';
  /** The record's id, e.g. `2025-0042`. */
  @property({ attribute: 'context-id' }) contextId = '';
  /** The record's name for people, e.g. "Facture 2025-0042". */
  @property({ attribute: 'context-label' }) contextLabel = '';
  /** The record's page (a path or an http(s) URL), linked from the room's header. */
  @property({ attribute: 'context-url' }) contextUrl = '';
  /** `float` (default): the launcher and its panel; `page`: the conversation page, filling its container. */
  @property({ reflect: true }) mode: 'float' | 'page' = 'float';
  /** The room to show first (page mode): e.g. from the host page's URL, `/chat/12`. */
  @property({ type: Number }) room?: number;

  /** The widget's language (which may not be the page's). */
  uiLang: 'fr' | 'en' = 'fr';
  /** Words the launcher and the notifications need, in that language. */
  strings = launcherStrings.fr;
  /** What screen readers are told of (a live region): a new message. */
  @state() announcement = '';
  @query('.launcher') private launcher?: HTMLButtonElement;

  /** The session: loaded once the element has an API and a token source. */
  @state() private session?: ChatSession;
  private loading?: Promise<ChatSession>;

  override connectedCallback(): void {
    super.connectedCallback();
    // The conversation page has its own element: the floating one of the same page stays out of the way.
    this.hidden = this.mode !== 'page' && !!document.querySelector('ipp-chat[mode="page"]');
    if (this.hidden) return;
    document.addEventListener('visibilitychange', this.onVisibility);
    // Re-attached: the session starts again with the same attributes.
    this.session?.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  // The session hears of it in willUpdate: a room on screen is read when the page comes back.
  private onVisibility = () => this.requestUpdate();

  /** Loads the session (once): the state, the sync with the server and the feed. */
  private start(): Promise<ChatSession> {
    // A page that comes back to an open panel fetches the panel beside the session, not after it.
    if (!this.loading && (this.open || leftOpen(this.api))) void import('./ipp-chat-panel');
    return (this.loading ??= import('./chat-session').then(({ ChatSession }) => (this.session = new ChatSession(this))));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.hidden) return;
    if (changed.has('lang')) this.strings = launcherStrings[(this.uiLang = pickLang(this.lang, document.documentElement.lang))];
    if (this.mode === 'page') this.open = true;
    if (this.session) this.session.willUpdate(changed);
    else if (this.api && (this.token || this.tokenUrl)) void this.start();
  }

  protected override updated(): void {
    if (!this.hidden) this.session?.updated();
  }

  /** The record of the page, when the host gave one. */
  get context(): RoomContext | undefined {
    const { contextType: type, contextId: id, contextLabel: label, contextUrl: url } = this;
    return type && id && label ? { type, id, label, ...(url ? { url } : {}) } : undefined;
  }

  /** Opens the panel, and a given room when `roomId` is set. */
  async show(roomId?: number): Promise<void> {
    this.open = true;
    await (await this.start()).show(roomId);
  }

  /** Closes the panel and gives the focus back to the launcher. */
  async hide(): Promise<void> {
    this.open = false;
    await this.updateComplete;
    this.launcher?.focus();
  }

  private toggle() {
    unlockSound();
    if (this.open) void this.hide();
    else void this.show();
  }

  override render() {
    if (this.hidden) return nothing;
    const t = this.strings;
    const live = html`<div class="sr-only" role="status" aria-live="polite" lang=${this.uiLang}>${this.announcement}</div>`;
    if (this.mode === 'page') return html`${live}${this.renderPanel()}`;
    const count = this.session?.store.unreadTotal ?? 0;
    const mentioned = !!this.session?.store.mentioned;
    const action = this.open ? t.close : t.open;
    const label = `${count ? `${action}, ${t.unread(count)}` : action}${mentioned ? `, ${t.mentioned}` : ''}`;
    // Escape on the launcher closes too: the focus may not have reached the panel, still loading, yet.
    return html`
      ${live}
      <button class="launcher" part="launcher" lang=${this.uiLang} aria-label=${label} aria-expanded=${this.open} aria-controls="panel" @click=${this.toggle}
        @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.open && void this.hide()}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${chatPath}></path></svg>
        ${count ? html`<span class="badge" part="badge" aria-hidden="true">${count > 99 ? '99+' : count}</span>` : nothing}
        ${mentioned ? html`<span class="badge at" part="badge mention" aria-hidden="true">@</span>` : nothing}
      </button>
      ${this.open ? this.renderPanel() : nothing}
    `;
  }

  /** The panel: shown at once, filled in when the session and the panel's module are there. */
  private renderPanel() {
    const s = this.session;
    const page = this.mode === 'page';
    // The widget's language, which may not be the page's: screen readers pronounce accordingly.
    return html`<ipp-chat-panel
      id="panel"
      part="panel"
      role=${page ? 'region' : 'dialog'}
      lang=${this.uiLang}
      aria-label=${this.strings.chat}
      exportparts=${PARTS}
      .store=${s?.store}
      .sync=${s?.sync}
      .actions=${s?.actions}
      .client=${s?.client}
      .rev=${s?.store.rev ?? 0}
      .context=${this.context}
      .online=${s?.live.online ?? true}
      .page=${page}
      @ipp-close=${() => !page && void this.hide()}
    ></ipp-chat-panel>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-chat': IppChat;
  }
}
