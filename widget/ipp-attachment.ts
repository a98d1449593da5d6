import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ChatApi } from './api';
import { apiContext, i18nContext } from './context';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { shared } from './styles';
import type { Attachment } from './types';

/**
 * An attachment: an image thumbnail that enlarges on click, or a file chip
 * with name and size that downloads on click. Files are fetched with the
 * Authorization header and shown through blob: URLs, since the token may not
 * go in a URL.
 *
 * @csspart thumbnail - the image preview button.
 * @csspart file - the file chip.
 */
@customElement('ipp-attachment')
export class IppAttachment extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: inline-block;
        white-space: normal;
      }
      .thumb {
        padding: 0;
        display: block;
      }
      .thumb img {
        display: block;
        max-width: 200px;
        max-height: 160px;
        border-radius: 6px;
      }
      .chip {
        display: flex;
        gap: 6px;
        align-items: center;
        border: 1px solid var(--ipp-border);
        background: var(--ipp-bg);
        text-align: start;
      }
      .size {
        color: var(--ipp-muted);
        font-size: 0.85em;
      }
      dialog {
        padding: 0;
        border: 0;
        background: transparent;
        max-width: 95vw;
        max-height: 95vh;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.75);
      }
      dialog img {
        display: block;
        max-width: 95vw;
        max-height: 90vh;
      }
      dialog button {
        position: absolute;
        top: 4px;
        right: 4px;
        background: rgb(0 0 0 / 0.6);
        color: #fff;
      }
    `,
  ];

  @property({ attribute: false }) attachment!: Attachment;

  @consume({ context: apiContext }) api?: ChatApi;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private thumb = '';
  @state() private full = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  private get isImage() {
    return !!this.attachment.thumbnailUrl || /^image\//.test(this.attachment.mimeType);
  }

  /** The attachment whose preview is loaded (or loading). */
  private shown?: number;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.requestUpdate(); // back in the page: load the preview again
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
  }

  protected override willUpdate(): void {
    if (this.shown !== this.attachment.id && this.isConnected) {
      this.release();
      this.shown = this.attachment.id;
      if (this.isImage) void this.loadThumb();
    }
  }

  /** Frees the blob: URLs of the previous preview. */
  private release() {
    for (const url of [this.thumb, this.full]) if (url) URL.revokeObjectURL(url);
    this.thumb = this.full = '';
    this.shown = undefined;
  }

  private async objectUrl(url: string): Promise<string> {
    return URL.createObjectURL(await this.api!.blob(url));
  }

  private async loadThumb() {
    const a = this.attachment;
    try {
      const url = await this.objectUrl(a.thumbnailUrl || a.url);
      if (this.shown === a.id) this.thumb = url;
      else URL.revokeObjectURL(url);
    } catch {
      // No preview: the file chip is shown instead.
    }
  }

  private async enlarge() {
    this.full ||= await this.objectUrl(this.attachment.url).catch(() => this.thumb);
    await this.updateComplete;
    this.dialog.showModal();
  }

  private async download() {
    const href = await this.objectUrl(this.attachment.url);
    const a = Object.assign(document.createElement('a'), { href, download: this.attachment.fileName });
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  }

  override render() {
    const a = this.attachment;
    const { t } = this.i18n;
    if (this.thumb) {
      return html`<button class="thumb" part="thumbnail" aria-label=${t.enlarge(a.fileName)} @click=${this.enlarge}>
          <img src=${this.thumb} alt=${a.fileName} />
        </button>
        <dialog aria-label=${a.fileName} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && e.stopPropagation()}>
          ${this.full ? html`<img src=${this.full} alt=${a.fileName} />` : nothing}
          <button aria-label=${t.cancel} @click=${() => this.dialog.close()}>${icon('close')}</button>
        </dialog>`;
    }
    return html`<button class="chip" part="file" title=${t.download(a.fileName)} @click=${this.download}>
      ${icon('file')}<span class="sr-only">${t.download('')}</span><span>${a.fileName}</span>
      <span class="size">${this.i18n.size(a.size)}</span>
    </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-attachment': IppAttachment;
  }
}
