import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatApi } from './api';
import { apiContext, i18nContext } from './context';
import { defaultI18n, type I18n } from './i18n';
import { icon } from './icons';
import { problemOf } from './problems';
import { shared } from './styles';
import type { Room } from './types';

type Format = 'xlsx' | 'pdf';

/**
 * "Exporter en Excel" / "Exporter en PDF" for a room: the file is fetched
 * through the API client (the token in the Authorization header, never in a
 * URL), in the widget's language and the browser's time zone, then saved
 * through a blob: URL. While it comes, both buttons wait and the bytes
 * received are shown; a failure is told in words.
 */
@customElement('ipp-room-export')
export class IppRoomExport extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
      }
      .buttons button {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        border: 1px solid var(--ipp-border);
        border-radius: var(--ipp-radius, 6px);
        padding: 4px 10px;
      }
      button[disabled] {
        opacity: 0.6;
        cursor: progress;
      }
      .status {
        font-size: 0.85em;
        color: var(--ipp-muted);
      }
      .error {
        color: var(--ipp-danger);
        font-size: 0.85em;
      }
    `,
  ];

  @property({ attribute: false }) room!: Room;

  @consume({ context: apiContext }) api?: ChatApi;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  /** The export under way, and the bytes received of it. */
  @state() private busy: { format: Format; bytes: number } | null = null;
  @state() private error = '';

  private async run(format: Format) {
    if (this.busy || !this.api) return;
    this.error = '';
    this.busy = { format, bytes: 0 };
    try {
      const q = new URLSearchParams({ format, lang: this.i18n.lang });
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (tz) q.set('tz', tz);
      const { blob, fileName } = await this.api.file(`/rooms/${this.room.id}/export?${q}`, (bytes) => (this.busy = { format, bytes }));
      const href = URL.createObjectURL(blob);
      Object.assign(document.createElement('a'), { href, download: fileName }).click();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    } catch (e) {
      this.error = problemOf(this.i18n, e);
    } finally {
      this.busy = null;
    }
  }

  override render() {
    const { t } = this.i18n;
    const button = (format: Format, label: string) => html`<button
      ?disabled=${!!this.busy}
      aria-busy=${this.busy?.format === format ? 'true' : 'false'}
      @click=${() => this.run(format)}
    >${icon('down')}<span>${label}</span></button>`;
    return html`
      <div class="buttons" role="group" aria-label=${t.exportTitle}>
        ${button('xlsx', t.exportXlsx)} ${button('pdf', t.exportPdf)}
      </div>
      <div class="status" role="status">${this.busy ? t.exporting(this.busy.bytes ? this.i18n.size(this.busy.bytes) : '') : ''}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-room-export': IppRoomExport;
  }
}
