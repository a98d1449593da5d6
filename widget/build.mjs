// Bundles the widget, Lit included (scripts/build.mjs calls it for npm run build): ipp-chat.js, what
// every page loads (the launcher, the session, the live feed), and ipp-chat-chunks/, what it imports
// on first open (the panel and its views), shared code in chunks of their own.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync } from 'node:fs';

/** Builds `${out}/ipp-chat.js`, `${out}/ipp-chat-chunks/` and their source maps; prints their gzipped sizes. */
export async function buildWidget(out = 'dist') {
  rmSync(`${out}/ipp-chat-chunks`, { recursive: true, force: true });
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
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((f) => f.endsWith('/ipp-chat.js'));
  const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
  const scripts = Object.keys(outputs).filter((f) => f.endsWith('.js'));
  const initial = [entry, ...outputs[entry].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path)];
  const sum = (files) => files.reduce((n, f) => n + gz(f), 0);
  console.log(`${entry}: ${(sum(initial) / 1024).toFixed(1)} KiB gzipped before the launcher works, ${(sum(scripts) / 1024).toFixed(1)} KiB in all`);
}
