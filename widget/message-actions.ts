import { css, html, nothing, svg } from 'lit';
import { emit } from './events';
import { expressStrings } from './express-i18n';
import type { I18n } from './i18n';
import { icon } from './icons';
import type { ChatMessage } from './types';

/** A smiley with a plus: "more reactions", "insert an emoji" (drawn, as emoji fonts are not everywhere). */
export const addReactionIcon = html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">${svg`<path
  d="M10 2a8 8 0 1 0 7.7 10h-2.1A6 6 0 1 1 10 4zm-3 7a1.3 1.3 0 1 0 0-2.6A1.3 1.3 0 0 0 7 9zm6 0a1.3 1.3 0 1 0 0-2.6A1.3 1.3 0 0 0 13 9zm-3 6.5c2 0 3.6-1.2 4.3-3H5.7c.7 1.8 2.3 3 4.3 3zM19 2h-2v3h-3v2h3v3h2V7h3V5h-3z"></path>`}</svg>`;

/** The quick reactions offered on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '✅', '👀'];

/** What may be done with a message, and whether its actions are in the tab order. */
export interface ActionsOptions {
  meId: number;
  active: boolean;
  canReact: boolean;
  canReply: boolean;
  canEdit: boolean;
  canDelete: boolean;
}

/**
 * A message's toolbar, shown on hover, focus or a long press (the message's
 * styles say when): reply, edit, delete, then the six quick reactions and
 * "more" (the emoji picker). Events go from `host`, the message:
 * `ipp-reply`, `ipp-start-edit`, `ipp-delete` (after confirmation),
 * `ipp-react` `{message, emoji, add}`, `ipp-emoji-open` `{message, anchor}`.
 */
export function messageActions(host: HTMLElement, i18n: I18n, message: ChatMessage, o: ActionsOptions) {
  const { t } = i18n;
  const x = expressStrings(i18n.lang);
  const tab = o.active ? 0 : -1;
  const tool = (name: 'reply' | 'edit' | 'delete', label: string, onClick: () => void) =>
    html`<button tabindex=${tab} aria-label=${label} title=${label} @click=${onClick}>${icon(name)}</button>`;
  const mine = (emoji: string) => !!message.reactions?.find((r) => r.emoji === emoji)?.userIds.includes(o.meId);
  const react = o.canReact && message.id > 0;
  if (!react && !o.canReply && !o.canEdit && !o.canDelete) return nothing;
  return html`<div class="actions" role="toolbar" aria-label=${x.actions}>
    ${o.canReply ? tool('reply', t.reply, () => emit(host, 'ipp-reply', { message })) : nothing}
    ${o.canEdit ? tool('edit', t.edit, () => emit(host, 'ipp-start-edit', { message })) : nothing}
    ${o.canDelete ? tool('delete', t.delete, () => confirm(t.confirmDelete) && emit(host, 'ipp-delete', { message })) : nothing}
    ${react
      ? html`${o.canReply || o.canEdit || o.canDelete ? html`<span class="sep"></span>` : nothing}
          ${QUICK_REACTIONS.map((emoji) => html`<button class="quick" tabindex=${tab} aria-label=${x.reactWith(emoji)} title=${x.reactWith(emoji)}
            aria-pressed=${mine(emoji)} @click=${() => emit(host, 'ipp-react', { message, emoji, add: !mine(emoji) })}>${emoji}</button>`)}
          <button tabindex=${tab} aria-label=${x.moreReactions} title=${x.moreReactions} aria-haspopup="dialog"
            @click=${(e: Event) => emit(host, 'ipp-emoji-open', { message, anchor: e.currentTarget as HTMLElement })}>${addReactionIcon}</button>`
      : nothing}
  </div>`;
}

/** The toolbar's look: over the message's own row, never over the one above it; `.shown` keeps it in the flow. */
export const messageActionsStyles = css`
  .actions {
    position: absolute;
    top: 2px;
    right: 8px;
    display: flex;
    gap: 2px;
    white-space: nowrap;
    font-size: 0.8em;
    background: var(--ipp-bg);
    border: 1px solid var(--ipp-border);
    border-radius: 6px;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.15);
    opacity: 0;
    pointer-events: none;
  }
  .actions button {
    padding: 2px 6px;
  }
  .actions .quick {
    padding: 1px 3px;
    font-size: 1.05em;
  }
  .actions .icon {
    width: 16px;
    height: 16px;
  }
  .actions .sep {
    width: 1px;
    margin: 2px;
    background: var(--ipp-border);
  }
  .actions.shown {
    position: static;
    box-shadow: none;
    opacity: 1;
    pointer-events: auto;
    border: 0;
    background: none;
  }
`;
