import { consume } from '@lit/context';
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { i18nContext } from './context';
import { emit } from './events';
import { expressStrings } from './express-i18n';
import { defaultI18n, type I18n } from './i18n';
import { iconButton } from './icons';
import { shared } from './styles';

/**
 * The emoji picker, as a popup over the room: search (French or English
 * names and keywords), categories, skin tones, the emoji used most. Its
 * component is loaded when the popup first opens (emoji-picker-loader.ts).
 * Escape or the close button closes it; so does a pick.
 *
 * @fires ipp-emoji - `{emoji}`: the emoji picked.
 * @fires ipp-cancel - closed without a pick.
 */
@customElement('ipp-emoji-picker')
export class IppEmojiPicker extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        background: var(--ipp-bg);
        border: 1px solid var(--ipp-border);
        border-radius: 10px;
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.25);
        overflow: hidden;
      }
      .bar {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 2px 4px 2px 10px;
        font-size: 0.85em;
        font-weight: 600;
      }
      emoji-picker {
        width: 100%;
        height: 300px;
        --border-size: 0;
        --background: var(--ipp-bg);
        --input-border-color: var(--ipp-border);
        --outline-color: var(--ipp-focus);
        --indicator-color: var(--ipp-accent);
        --num-columns: 8;
      }
      .loading {
        height: 300px;
        display: grid;
        place-items: center;
        color: var(--ipp-muted);
      }
    `,
  ];

  /** What the pick is for, read out as the popup's name ("Réagir", "Insérer un emoji"). */
  @property() label = '';

  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private picker?: HTMLElement;
  private pickerLang?: 'fr' | 'en';

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'dialog');
    void this.load();
  }

  private async load() {
    if (this.picker && this.pickerLang === this.i18n.lang) return;
    const lang = (this.pickerLang = this.i18n.lang);
    const { createPicker } = await import('./emoji-picker-loader');
    if (lang !== this.i18n.lang) return;
    const picker = createPicker(lang);
    picker.addEventListener('emoji-click', (e) => e.detail.unicode && emit(this, 'ipp-emoji', { emoji: e.detail.unicode }));
    this.picker = picker;
    await this.updateComplete;
    // Straight into the search field, as the keyboard user asked for the picker.
    requestAnimationFrame(() => picker.shadowRoot?.querySelector<HTMLInputElement>('input')?.focus());
  }

  protected override willUpdate(): void {
    this.setAttribute('aria-label', this.label || expressStrings(this.i18n.lang).pickEmoji);
    if (this.pickerLang && this.pickerLang !== this.i18n.lang) void this.load();
  }

  private onKeydown(e: KeyboardEvent) {
    if (e.key !== 'Escape') return;
    // Not also the panel's Escape.
    e.preventDefault();
    e.stopPropagation();
    emit(this, 'ipp-cancel');
  }

  override render() {
    const x = expressStrings(this.i18n.lang);
    return html`<div @keydown=${this.onKeydown}>
      <div class="bar"><span>${this.label || x.pickEmoji}</span>${iconButton('close', x.closePicker, () => emit(this, 'ipp-cancel'))}</div>
      ${this.picker ?? html`<div class="loading" aria-busy="true">${this.i18n.t.loading}</div>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-emoji-picker': IppEmojiPicker;
  }
}
