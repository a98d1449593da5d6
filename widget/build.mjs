// Bundles the widget, Lit included (scripts/build.mjs calls it for npm run build): ipp-chat.js, what
// every page loads (the launcher, the session, the live feed), and ipp-chat-chunks/, what it imports
// on first open (the panel and its views), shared code in chunks of their own.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdirSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { picker } from './picker-build.mjs';

/**
 * The emoji picker's data, served by the BFF from /ipp-chat-emoji/ (never a third-party host): the
 * Unicode CLDR names in French, emojibase's in English, as emoji-picker-element's documentation advises.
 */
export const EMOJI_DATA = { fr: 'emoji-picker-element-data/fr/cldr/data.json', en: 'emoji-picker-element-data/en/emojibase/data.json' };

/**
 * Builds `${out}/ipp-chat.js`, `${out}/ipp-chat-chunks/`, `${out}/ipp-chat-emoji/` and the source maps; prints the
 * gzipped sizes, and resolves with what makes them: the scripts a page loads before the launcher works (`initial`),
 * the emoji picker's, and esbuild's metafile outputs.
 */
export async function buildWidget(out = 'dist') {
  rmSync(`${out}/ipp-chat-chunks`, { recursive: true, force: true });
  mkdirSync(`${out}/ipp-chat-emoji`, { recursive: true });
  const require = createRequire(import.meta.url);
  for (const [locale, data] of Object.entries(EMOJI_DATA)) copyFileSync(require.resolve(data), `${out}/ipp-chat-emoji/${locale}.json`);
  const result = await build({
    entryPoints: { 'ipp-chat': 'widget/index.ts' },
    outdir: out,
    chunkNames: 'ipp-chat-chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2021',
    sourcemap: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [picker],
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((f) => f.endsWith('/ipp-chat.js'));
  const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
  const scripts = Object.keys(outputs).filter((f) => f.endsWith('.js'));
  const initial = [entry, ...outputs[entry].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path)];
  const sum = (files) => files.reduce((n, f) => n + gz(f), 0);
  const pickerChunk = scripts.filter((f) => Object.keys(outputs[f].inputs).some((i) => i.includes('emoji-picker-element/')));
  console.log(`${entry}: ${(sum(initial) / 1024).toFixed(1)} KiB gzipped before the launcher works, ${(sum(scripts) / 1024).toFixed(1)} KiB in all`
    + ` (the emoji picker, loaded on first use: ${(sum(pickerChunk) / 1024).toFixed(1)} KiB)`);
  return { initial, picker: pickerChunk, outputs, gzipped: (files) => sum(files) };
}
