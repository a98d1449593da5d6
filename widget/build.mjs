// Bundles the widget, Lit included, into dist/ (npm run build): dist/ipp-chat.js, what every
// page loads (the launcher, the session, the live feed), and dist/ipp-chat-chunks/, what it
// imports on first open (the panel and its views), shared code in chunks of their own.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync } from 'node:fs';

rmSync('dist/ipp-chat-chunks', { recursive: true, force: true });
const result = await build({
  entryPoints: { 'ipp-chat': 'widget/index.ts' },
  outdir: 'dist',
  chunkNames: 'ipp-chat-chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2021',
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'info',
});
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const scripts = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const initial = ['dist/ipp-chat.js', ...result.metafile.outputs['dist/ipp-chat.js'].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path)];
const sum = (files) => files.reduce((n, f) => n + gz(f), 0);
console.log(`widget: ${(sum(initial) / 1024).toFixed(1)} KiB gzipped before the launcher works, ${(sum(scripts) / 1024).toFixed(1)} KiB in all`);
