// Bundles the widget, Lit included, into dist/ipp-chat.js (scripts/build.mjs calls it for npm run build).
import { build } from 'esbuild';

/** Builds `${out}/ipp-chat.js` and its source map. */
export async function buildWidget(out = 'dist') {
  const outfile = `${out}/ipp-chat.js`;
  const result = await build({
    entryPoints: ['widget/index.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2021',
    sourcemap: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('ipp-chat.js'))[1].bytes;
  console.log(`${outfile}: ${(bytes / 1024).toFixed(1)} KiB minified`);
}
