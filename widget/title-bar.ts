import { html, nothing, type TemplateResult } from 'lit';
import { emit } from './events';
import { iconButton } from './icons';

/** What a view's title bar shows. */
export interface TitleBar {
  /** The Back button's label; no Back button when absent. */
  back?: string | null;
  title: string;
  /** A second line under the title ("en ligne", "5 membres"). */
  sub?: string;
  /** Before the title (an avatar). */
  lead?: unknown;
  /** Buttons after the title. */
  extra?: unknown;
}

/**
 * The title bar of a view: a Back button that fires `ipp-back`, the title
 * (cut with an ellipsis, whole on hover), extra buttons, and the `actions`
 * slot where the panel puts its close button.
 */
export function titleBar(host: HTMLElement, bar: TitleBar): TemplateResult {
  return html`<div class="bar" part="header">
    ${bar.back ? iconButton('back', bar.back, () => emit(host, 'ipp-back')) : nothing}
    ${bar.lead ?? nothing}
    <div class="title">
      <h2 title=${bar.title}>${bar.title}</h2>
      ${bar.sub ? html`<span class="sub">${bar.sub}</span>` : nothing}
    </div>
    ${bar.extra ?? nothing}
    <slot name="actions"></slot>
  </div>`;
}
