import { html, nothing, type TemplateResult } from 'lit';
import { emit } from './events';
import { iconButton } from './icons';

/**
 * The title bar of a view: a Back button (when `back` holds its label) that
 * fires `ipp-back`, the title, extra buttons, and the `actions` slot where
 * `<ipp-chat>` puts the panel's close button.
 */
export function titleBar(host: HTMLElement, back: string | null, title: string, extra: unknown = nothing): TemplateResult {
  return html`<div class="bar" part="header">
    ${back ? iconButton('back', back, () => emit(host, 'ipp-back')) : nothing}
    <h2>${title}</h2>
    ${extra}
    <slot name="actions"></slot>
  </div>`;
}
