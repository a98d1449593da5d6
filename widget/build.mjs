// Bundles the widget, Lit included, into dist/ipp-chat.js (npm run build).
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['widget/index.ts'],
  outfile: 'dist/ipp-chat.js',
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2021',
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'info',
});
const bytes = result.metafile.outputs['dist/ipp-chat.js'].bytes;
console.log(`dist/ipp-chat.js: ${(bytes / 1024).toFixed(1)} KiB minified`);
