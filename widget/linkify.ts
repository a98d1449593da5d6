import { html, type TemplateResult } from 'lit';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that usually ends a sentence rather than a URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * Renders user text as text, with http(s) URLs made into links.
 * Only text bindings are used, and only http: and https: hrefs are produced.
 */
export function linkify(text: string): (string | TemplateResult)[] {
  const out: (string | TemplateResult)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(TRAILING, '');
    let href: URL;
    try {
      href = new URL(url);
    } catch {
      continue;
    }
    if (href.protocol !== 'http:' && href.protocol !== 'https:') continue;
    out.push(text.slice(last, m.index));
    out.push(html`<a href=${href.href} target="_blank" rel="noopener noreferrer">${url}</a>`);
    last = m.index! + url.length;
  }
  out.push(text.slice(last));
  return out;
}
