import { existsSync, readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { Logger } from '../log';

/**
 * The fonts a PDF export embeds, from Debian's packages: DejaVu Sans
 * (fonts-dejavu-core) for text, accents and most symbols, Symbola
 * (fonts-symbola) for emoji. Without DejaVu the PDF falls back to Helvetica
 * (Latin-1 only), without Symbola emoji show as DejaVu has them (or not at
 * all); either is said once in the log.
 */
export const FONT_PATHS = {
  regular: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'],
  bold: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  italic: ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf'],
  emoji: [
    '/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf',
    '/usr/share/fonts/truetype/symbola/Symbola.ttf',
    '/usr/share/fonts/TTF/Symbola.ttf',
  ],
};

/** The fonts found: their bytes for pdfkit, and which characters each one draws. */
export interface PdfFonts {
  /** DejaVu Sans (regular, bold, oblique), or null: Helvetica then. */
  text: { regular: Buffer; bold: Buffer; italic: Buffer; has(cp: number): boolean } | null;
  /** Symbola, or null. */
  emoji: { font: Buffer; has(cp: number): boolean } | null;
}

let found: PdfFonts | undefined;

const first = (paths: string[]) => paths.find((p) => existsSync(p));

/** Looks for the fonts once (later calls answer the same), logging what is missing. */
export function findFonts(logger: Logger, paths = FONT_PATHS): PdfFonts {
  if (found && paths === FONT_PATHS) return found;
  const text = [paths.regular, paths.bold, paths.italic].map(first);
  const emoji = first(paths.emoji);
  const result: PdfFonts = { text: null, emoji: null };
  if (text.every(Boolean)) {
    const [regular, bold, italic] = text.map((p) => readFileSync(p!));
    result.text = { regular, bold, italic, has: coverage(regular) };
  } else {
    logger.warn(`ipp-chat export: DejaVu Sans not found at ${paths.regular[0]} (Debian package fonts-dejavu-core): PDF exports use Helvetica, without most accents beyond Latin-1 and without emoji`);
  }
  if (emoji) {
    const font = readFileSync(emoji);
    result.emoji = { font, has: coverage(font) };
  } else {
    logger.warn(`ipp-chat export: Symbola not found at ${paths.emoji[0]} (Debian package fonts-symbola): PDF exports show no emoji`);
  }
  if (paths === FONT_PATHS) found = result;
  return result;
}

/** Whether a font has a glyph for a code point, remembered per code point. */
function coverage(bytes: Buffer): (cp: number) => boolean {
  const font = fontkit.create(bytes) as fontkit.Font;
  const known = new Map<number, boolean>();
  return (cp) => {
    let has = known.get(cp);
    if (has === undefined) known.set(cp, (has = font.hasGlyphForCodePoint(cp)));
    return has;
  };
}

/** Invisible joiners and presentation selectors: neither font draws them, and they would show as boxes. */
const INVISIBLE = /[\u200d\ufe0e\ufe0f]/g;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Splits a text into runs of one font each: DejaVu for what it draws,
 * Symbola for the rest (emoji), grapheme by grapheme. A text DejaVu draws
 * whole (most messages) is one run at the cost of a look-up per character.
 */
export function fontRuns(text: string, fonts: PdfFonts): { font: 'text' | 'emoji'; text: string }[] {
  const clean = text.replace(INVISIBLE, '');
  const { text: dejavu, emoji } = fonts;
  if (!dejavu || !emoji) return [{ font: 'text', text: clean }];
  let all = true;
  for (const ch of clean) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7f && !dejavu.has(cp)) {
      all = false;
      break;
    }
  }
  if (all) return [{ font: 'text', text: clean }];
  const runs: { font: 'text' | 'emoji'; text: string }[] = [];
  for (const { segment } of segmenter.segment(clean)) {
    const cps = [...segment].map((c) => c.codePointAt(0)!);
    const font = cps.every((cp) => dejavu.has(cp)) || !cps.every((cp) => emoji.has(cp)) ? 'text' : 'emoji';
    const last = runs[runs.length - 1];
    if (last?.font === font) last.text += segment;
    else runs.push({ font, text: segment });
  }
  return runs;
}
