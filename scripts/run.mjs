// npm start, npm run db:migrate, npm run demo: runs a compiled entry of the server (dist/server/NAME.js) with plain node,
// or says in one line how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const name = process.argv[2];
const entry = fileURLToPath(new URL(`../dist/server/${name}.js`, import.meta.url));
if (!existsSync(entry)) {
  console.error(`ipp-chat: dist/server/${name}.js is missing: run \`npm run build\` first`);
  process.exit(1);
}
// Stacks in the logs point at the TypeScript sources (the build writes source maps).
process.setSourceMapsEnabled(true);
await import(pathToFileURL(entry).href);
