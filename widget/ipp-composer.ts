import { consume } from '@lit/context';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { emit } from './events';
import { defaultI18n, type I18n } from './i18n';
import { iconButton } from './icons';
import { shared } from './styles';
import { expressStrings } from './express-i18n';
import { addReactionIcon } from './message-actions';
import { MentionController } from './mention-controller';
import { FILE_EXTENSIONS, MAX_FILES, type ChatMessage, type Member } from './types';

const extension = (name: string) => (name.includes('.') ? name.split('.').pop()!.toLowerCase() : '');

/**
 * The message composer: Enter sends, Shift+Enter starts a new line; files come
 * from the attach button, from paste, or from `addFiles()` (drag and drop on
 * the room). Shows the message being replied to or edited; Escape cancels it.
 * Typing `@` suggests the room's members (mention-controller.ts); the emoji
 * button asks for the picker, whose emoji `insert()` puts at the caret.
 *
 * @fires ipp-send - `{content, files, replyToId?}`: a new message.
 * @fires ipp-edit - `{message, content}`: the edited text of `editing`.
 * @fires ipp-typing - the user typed (the signal to the server is throttled by the store).
 * @fires ipp-draft - `{text}`: the text of the next message changed.
 * @fires ipp-cancel - the reply or edit in progress is cancelled (Escape, or its close button).
 * @fires ipp-emoji-open - `{anchor}`: the emoji button was pressed.
 * @csspart input - the text area.
 */
@customElement('ipp-composer')
export class IppComposer extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: block;
        border-top: 1px solid var(--ipp-border);
        padding: 6px 8px;
        background: var(--ipp-bg);
      }
      .context {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 2px 4px 6px;
        font-size: 0.85em;
        color: var(--ipp-muted);
      }
      .context span {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        border-inline-start: 3px solid var(--ipp-accent);
        padding-inline-start: 6px;
      }
      .row {
        display: flex;
        align-items: flex-end;
        gap: 4px;
      }
      textarea {
        flex: 1;
        resize: none;
        /* Grows with its text where supported; elsewhere it scrolls. */
        field-sizing: content;
        max-height: 120px;
        min-height: 38px;
      }
      .files {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
        padding-bottom: 6px;
      }
      .files span {
        background: var(--ipp-surface);
        border-radius: 12px;
        padding: 2px 4px 2px 10px;
        font-size: 0.85em;
      }
      input[type='file'] {
        display: none;
      }
      .mentions {
        margin: 0 0 4px;
        padding: 4px;
        list-style: none;
        border: 1px solid var(--ipp-border);
        border-radius: 8px;
        max-height: 180px;
        overflow-y: auto;
      }
      .mentions li {
        padding: 4px 8px;
        border-radius: 6px;
        cursor: pointer;
      }
      .mentions [aria-selected='true'] {
        background: color-mix(in srgb, var(--ipp-accent) 22%, transparent);
      }
      .notice:not(:empty) {
        font-size: 0.85em;
        color: var(--ipp-danger);
        padding: 0 4px 6px;
      }
    `,
  ];

  /** The message replied to, if any. */
  @property({ attribute: false }) replyTo: ChatMessage | null = null;
  /** The message being edited, if any. */
  @property({ attribute: false }) editing: ChatMessage | null = null;
  /** The text to start with (the room's draft). */
  @property() text = '';
  /** The room's members (to mention), my id, and whether I may mention everyone (a room admin or moderator). */
  @property({ attribute: false }) members: Member[] = [];
  @property({ type: Number }) meId = 0;
  @property({ type: Boolean }) canMentionAll = false;
  /** The room, and how many members it has: when more than those given, mentions search the server. */
  @property({ type: Number }) roomId = 0;
  @property({ type: Number }) memberCount = 0;

  @consume({ context: actionsContext }) actions?: ChatActions;

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() files: File[] = [];
  /** Why files given were not added (a type the server refuses, one too many). */
  @state() private notice = '';
  @query('textarea') private input!: HTMLTextAreaElement;
  /** The text being written when an edit started, given back when it ends. */
  private draft = '';
  private mentions = new MentionController(this, () => this.input, () => ({
    members: this.members, meId: this.meId, canMentionAll: this.canMentionAll, everyone: this.i18n.t.everyone, strings: expressStrings(this.i18n.lang),
    search: this.actions && this.roomId && this.memberCount > this.members.length
      ? (q: string) => this.actions!.searchMembers(this.roomId, q, 8)
      : undefined,
  }));

  /** Inserts text (an emoji picked) at the caret, in place of what is selected. */
  insert(text: string): void {
    const el = this.input;
    el.setRangeText(text, el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length, 'end');
    el.focus();
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }

  /** Adds files to the next message: those of an accepted type, up to the number a message may carry. */
  addFiles(files: Iterable<File>): void {
    const { t } = this.i18n;
    const given = [...files];
    const refused = given.find((f) => !FILE_EXTENSIONS.includes(extension(f.name)));
    const accepted = given.filter((f) => f !== refused && FILE_EXTENSIONS.includes(extension(f.name)));
    const room = MAX_FILES - this.files.length;
    this.files = [...this.files, ...accepted.slice(0, Math.max(0, room))];
    this.notice = refused ? t.fileRefused(refused.name) : accepted.length > room ? t.tooManyFiles(MAX_FILES) : '';
  }

  override focus(): void {
    void this.updateComplete.then(() => this.input.focus());
  }

  protected override firstUpdated(): void {
    this.input.value = this.text;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('editing')) {
      if (!changed.get('editing')) this.draft = this.input.value;
      this.input.value = this.editing ? this.mentions.toDisplay(this.editing.content) : this.draft;
      if (this.editing) this.focus();
    }
    // Not for a reply restored with the page: the page keeps its focus.
    if (changed.has('replyTo') && this.replyTo && changed.get('replyTo') !== undefined) this.focus();
  }

  private submit() {
    const content = this.mentions.toWire(this.input.value.trim());
    this.mentions.close();
    if (this.editing) {
      if (content && content !== this.editing.content) emit(this, 'ipp-edit', { message: this.editing, content });
      else emit(this, 'ipp-cancel');
      return;
    } else if (content || this.files.length) {
      emit(this, 'ipp-send', { content, files: this.files, ...(this.replyTo ? { replyToId: this.replyTo.id } : {}) });
      this.files = [];
      this.notice = '';
    } else return;
    this.input.value = '';
    emit(this, 'ipp-draft', { text: '' });
  }

  private onKeydown(e: KeyboardEvent) {
    if (this.mentions.keydown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    } else if (e.key === 'Escape' && (this.replyTo || this.editing)) {
      // Handled here, so that Escape does not also close the panel.
      e.preventDefault();
      emit(this, 'ipp-cancel');
    }
  }

  private onPaste(e: ClipboardEvent) {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    this.addFiles(files);
  }

  override render() {
    const { t } = this.i18n;
    const context = this.editing ? t.editing : this.replyTo ? `${t.replyingTo(this.replyTo.senderName)}: ${this.mentions.toDisplay(this.replyTo.content)}` : '';
    return html`
      ${context
        ? html`<div class="context">
            <span>${context}</span>
            ${iconButton('close', t.cancel, () => emit(this, 'ipp-cancel'))}
          </div>`
        : nothing}
      ${this.files.length
        ? html`<div class="files">
            ${this.files.map(
              (f, i) => html`<span
                >${f.name} ${this.i18n.size(f.size)}
                ${iconButton('close', t.removeFile(f.name), () => ((this.files = this.files.filter((_, j) => j !== i)), (this.notice = '')))}</span
              >`,
            )}
          </div>`
        : nothing}
      <div class="notice" role="status">${this.notice}</div>
      ${this.mentions.render()}
      <div class="row">
        ${this.editing
          ? nothing
          : html`${iconButton('attach', t.attach, () => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')!.click())}
              <input
                type="file"
                multiple
                accept=${FILE_EXTENSIONS.map((x) => `.${x}`).join(',')}
                tabindex="-1"
                aria-hidden="true"
                @change=${(e: Event) => {
                  const input = e.target as HTMLInputElement;
                  this.addFiles(input.files ?? []);
                  input.value = '';
                }}
              />`}
        <textarea
          part="input"
          rows="1"
          aria-label=${t.message}
          placeholder=${t.message}
          aria-autocomplete="list"
          aria-controls=${ifDefined(this.mentions.open ? 'mentions' : undefined)}
          aria-activedescendant=${ifDefined(this.mentions.activeId)}
          @keydown=${this.onKeydown}
          @blur=${() => this.mentions.close()}
          @input=${() => (this.mentions.update(), emit(this, 'ipp-typing'), this.editing || emit(this, 'ipp-draft', { text: this.input.value }))}
          @paste=${this.onPaste}
        ></textarea>
        <button aria-label=${expressStrings(this.i18n.lang).emoji} title=${expressStrings(this.i18n.lang).emoji} aria-haspopup="dialog"
          @click=${(e: Event) => emit(this, 'ipp-emoji-open', { anchor: e.currentTarget as HTMLElement })}>${addReactionIcon}</button>
        <button class="primary" @click=${this.submit}>${this.editing ? t.save : t.send}</button>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-composer': IppComposer;
  }
}
