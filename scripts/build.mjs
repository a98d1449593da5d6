// npm run build: the widget bundle and the compiled server into dist/ (or into the folder given with --outdir),
// with the migrations and demo assets the server reads at run time (server/paths.ts says where).
import { cp, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { buildWidget } from '../widget/build.mjs';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const out = values.outdir;

for (const dir of ['server', 'migrations', 'demo']) await rm(`${out}/${dir}`, { recursive: true, force: true });
await buildWidget(out);
await build({
  entryPoints: ['server/index.ts', 'server/migrate.ts'],
  outdir: `${out}/server`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.9',
  // Dependencies stay in node_modules (npm ci --omit=dev installs them); only the project's own code is bundled.
  packages: 'external',
  sourcemap: true,
  define: { IPP_CHAT_BUNDLE: 'true' },
  logLevel: 'warning',
});
await cp('drizzle/migrations', `${out}/migrations`, { recursive: true });
for (const name of ['demo.js', 'demo.css']) await cp(`demo/${name}`, `${out}/demo/${name}`);
console.log(`${out}/server/index.js, ${out}/server/migrate.js: the server (run with npm start, npm run db:migrate)`);
