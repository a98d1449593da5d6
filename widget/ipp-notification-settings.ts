import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ChatActions } from './chat-actions';
import { actionsContext, i18nContext } from './context';
import { defaultI18n, type I18n } from './i18n';
import { problemOf } from './problems';
import { shared, view } from './styles';
import { titleBar } from './title-bar';
import type { Preferences } from './types';

/** The delays offered, in minutes (the server takes 5 to 1440). */
export const DELAYS = [5, 15, 30, 60, 120, 240, 1440];
const MODES = ['off', 'mentions', 'all'] as const;

/**
 * The user's notification settings: what is e-mailed while they are away
 * (nothing, direct messages and mentions, every unread message), after how
 * long, and whether a sound plays. Each change is saved at once through the
 * widget's actions.
 *
 * @fires ipp-back - closed.
 * @csspart header - the title bar.
 */
@customElement('ipp-notification-settings')
export class IppNotificationSettings extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    shared,
    view,
    css`
      .body {
        display: flex;
        flex-direction: column;
        gap: 16px;
        padding: 12px;
        overflow-y: auto;
      }
      fieldset {
        /* Readable lines beside the list on a wide page. */
        max-width: 36rem;
        margin: 0;
        padding: 10px 12px 12px;
        border: 1px solid var(--ipp-border);
        border-radius: var(--ipp-radius);
        display: flex;
        flex-direction: column;
        gap: 8px;
      }
      legend {
        padding: 0 4px;
        font-weight: 600;
        font-size: 0.9rem;
        color: var(--ipp-primary);
      }
      label {
        display: flex;
        align-items: center;
        gap: 8px;
        cursor: pointer;
      }
      input[type='radio'],
      input[type='checkbox'] {
        accent-color: var(--ipp-primary);
        width: 16px;
        height: 16px;
        margin: 0;
      }
      .delay {
        justify-content: space-between;
        flex-wrap: wrap;
        margin-top: 4px;
      }
      small {
        color: var(--ipp-muted);
      }
      .error {
        color: var(--ipp-danger);
        margin: 0;
      }
    `,
  ];

  /** The preferences as the store holds them; unset while they load. */
  @property({ attribute: false }) preferences?: Preferences;

  @consume({ context: actionsContext }) actions?: ChatActions;
  @consume({ context: i18nContext, subscribe: true }) i18n: I18n = defaultI18n;

  @state() private error = '';

  private async change(patch: Partial<Omit<Preferences, 'emailAvailable'>>) {
    try {
      this.error = '';
      await this.actions!.setPreferences(patch);
    } catch (e) {
      this.error = problemOf(this.i18n, e);
    }
  }

  override render() {
    const { t } = this.i18n;
    const p = this.preferences;
    const off = !p || !p.emailAvailable;
    const delays = p && !DELAYS.includes(p.emailDelayMinutes) ? [...DELAYS, p.emailDelayMinutes].sort((a, b) => a - b) : DELAYS;
    return html`
      ${titleBar(this, { back: t.back, title: t.notificationSettings })}
      <div class="body" aria-busy=${!p}>
        <fieldset ?disabled=${off}>
          <legend>${t.emailTitle}</legend>
          ${p && !p.emailAvailable ? html`<small>${t.emailUnavailable}</small>` : nothing}
          ${MODES.map((mode) => html`<label>
            <input type="radio" name="email" value=${mode} .checked=${p?.email === mode} @change=${() => this.change({ email: mode })} />
            ${t.emailModes[mode]}
          </label>`)}
          <label class="delay">
            ${t.emailDelay}
            <select ?disabled=${p?.email === 'off'} @change=${(e: Event) => this.change({ emailDelayMinutes: Number((e.target as HTMLSelectElement).value) })}>
              ${delays.map((m) => html`<option value=${m} ?selected=${p?.emailDelayMinutes === m}>${t.delayOption(m)}</option>`)}
            </select>
          </label>
          <small>${t.emailHint}</small>
        </fieldset>
        <fieldset ?disabled=${!p}>
          <legend>${t.soundTitle}</legend>
          <label>
            <input type="checkbox" .checked=${p?.sound ?? true} @change=${(e: Event) => this.change({ sound: (e.target as HTMLInputElement).checked })} />
            ${t.sound}
          </label>
        </fieldset>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipp-notification-settings': IppNotificationSettings;
  }
}
