// Widget tests in Debian's Chromium: npx wtr
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { isPickerFile, patchPicker } from './widget/picker-build.mjs';

export default {
  files: ['tests/widget/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  // tsconfig: legacy decorators and no define semantics for class fields, as Lit's decorators need.
  plugins: [
    // The emoji picker as the build ships it (widget/picker-build.mjs), patched before esbuild rewrites it.
    { name: 'emoji-picker-csp', transform: (context) => (isPickerFile(context.path) ? { body: patchPicker(context.body) } : undefined) },
    esbuildPlugin({ ts: true, target: 'es2021', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 5000 } },
  testsFinishTimeout: 90_000,
};
