/** One fully-qualified emoji of Unicode's recommended set (a ZWJ family, a flag, a keycap, with a skin tone…). */
const RGI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The longest emoji sequence is 10 code points (kiss with two skin tones): 35 UTF-16 units. */
export const EMOJI_MAX_LENGTH = 40;

/**
 * The emoji a reaction stores: `text` when it is exactly one emoji, in its
 * fully-qualified form, so that the spellings of one emoji are one reaction
 * (`❤` becomes `❤️`, and `👍` with a needless U+FE0F, as some emoji data
 * spells it, becomes `👍`); null for anything else (text, markup, two emoji,
 * a bare digit or `#`).
 */
export function canonicalEmoji(text: string): string | null {
  if (!text || text.length > EMOJI_MAX_LENGTH) return null;
  if ([...segmenter.segment(text)].length !== 1) return null;
  if (RGI.test(text)) return text;
  const bare = text.replace(/\uFE0F/g, '');
  if (RGI.test(bare)) return bare;
  // An emoji typed without its presentation selector.
  return [...bare].length === 1 && RGI.test(`${bare}\uFE0F`) ? `${bare}\uFE0F` : null;
}
