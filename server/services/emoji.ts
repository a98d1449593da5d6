/** One fully-qualified emoji of Unicode's recommended set (a ZWJ family, a flag, a keycap, with a skin tone…). */
const RGI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The longest emoji sequence is 10 code points (kiss with two skin tones): 35 UTF-16 units. */
export const EMOJI_MAX_LENGTH = 40;

/**
 * The emoji a reaction stores: `text` when it is exactly one emoji, in its
 * fully-qualified form (`❤` becomes `❤️`, so both are one reaction); null
 * for anything else (text, markup, two emoji, a bare digit or `#`).
 */
export function canonicalEmoji(text: string): string | null {
  if (!text || text.length > EMOJI_MAX_LENGTH) return null;
  const graphemes = [...segmenter.segment(text)];
  if (graphemes.length !== 1) return null;
  if (RGI.test(text)) return text;
  // An emoji typed without its presentation selector (U+FE0F).
  const qualified = `${text.replace(/\uFE0F/g, '')}\uFE0F`;
  return [...text.replace(/\uFE0F/g, '')].length === 1 && RGI.test(qualified) ? qualified : null;
}
