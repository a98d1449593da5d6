import { html, type TemplateResult } from 'lit';

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a search, as the server matches them: letters and digits, folded (no case, no accents). */
export const searchWords = (q: string) => [...new Set(fold(q).match(/[\p{L}\p{N}]+/gu) ?? [])];

/**
 * A text with the words of a search marked where a word of the text starts
 * with them, ignoring case and accents ("conteneur" marks "Conteneur" and
 * "conteneurs"), cut to `max` characters around the first match. Rendered as
 * text: nothing of the message is parsed as markup.
 */
export function highlight(text: string, words: string[], max = 160): TemplateResult {
  // Fold each character on its own, so that an index of the folded text is one of the text.
  const chars = [...text];
  const folded = chars.map((c) => fold(c));
  const marks: boolean[] = new Array(chars.length).fill(false);
  const isWordChar = (i: number) => i >= 0 && /[\p{L}\p{N}]/u.test(folded[i] ?? '');
  for (let i = 0; i < chars.length; i++) {
    if (isWordChar(i - 1) || !isWordChar(i)) continue;
    for (const w of words) {
      let j = i;
      let k = 0;
      while (k < w.length && j < chars.length && w.startsWith(folded[j], k) && folded[j]) k += folded[j++].length;
      if (k >= w.length) for (let m = i; m < j; m++) marks[m] = true;
    }
  }
  const first = Math.max(0, marks.indexOf(true));
  let start = chars.length > max ? Math.max(0, first - Math.floor(max / 3)) : 0;
  const end = Math.min(chars.length, start + max);
  if (end - start < max) start = Math.max(0, end - max);
  const parts: TemplateResult[] = [];
  for (let i = start; i < end; ) {
    let j = i;
    while (j < end && marks[j] === marks[i]) j++;
    const piece = chars.slice(i, j).join('');
    parts.push(marks[i] ? html`<mark>${piece}</mark>` : html`${piece}`);
    i = j;
  }
  return html`${start > 0 ? '…' : ''}${parts}${end < chars.length ? '…' : ''}`;
}
