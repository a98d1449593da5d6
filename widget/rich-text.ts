import { css, html, type TemplateResult } from 'lit';
import { linkify } from './linkify';
import { MENTION, mentionHolds } from './mention-text';
import type { Message } from './types';

/** What a message's text needs to show its mentions: names by user id, mine, and the word for everyone. */
export interface MentionNames {
  nameOf(userId: number): string;
  meId?: number;
  everyone: string;
}

/**
 * A message's text as text nodes: links made clickable (linkify), and the
 * mentions that took effect as highlighted `@Name` (those of me stand out);
 * a mention that did not (someone outside the room, an `<@all>` from a
 * member) stays as it was written. Nothing of the content becomes markup.
 */
export function richText(m: Pick<Message, 'content' | 'mentions'>, names: MentionNames): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = [];
  let last = 0;
  for (const found of m.content.matchAll(MENTION)) {
    const who = found[1];
    if (!mentionHolds(m, who)) continue;
    out.push(...linkify(m.content.slice(last, found.index)));
    const me = who === 'all' || Number(who) === names.meId;
    out.push(html`<span class="mention ${me ? 'me' : ''}">@${who === 'all' ? names.everyone : names.nameOf(Number(who))}</span>`);
    last = found.index! + found[0].length;
  }
  out.push(...linkify(m.content.slice(last)));
  return out;
}

/** The look of richText's mentions (mine stand out), and of a message of emoji only (class `jumbo`). */
export const richTextStyles = css`
  .mention {
    padding: 0 2px;
    border-radius: 4px;
    font-weight: 700;
    background: color-mix(in srgb, var(--ipp-text) 9%, transparent);
  }
  .mention.me {
    background: color-mix(in srgb, var(--ipp-accent) 30%, transparent);
  }
  .jumbo {
    font-size: 2.2em;
    line-height: 1.25;
  }
`;

const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether a text is one to three emoji and nothing else (spaces aside): such a message shows larger. */
export function onlyEmoji(text: string): boolean {
  const parts = [...graphemes.segment(text.replace(/\s+/g, ''))].map((s) => s.segment);
  return parts.length > 0 && parts.length <= 3 && parts.every((p) => EMOJI.test(p) || EMOJI.test(p.replace(/\uFE0F/g, '')));
}
