import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { listen } from '../server/boot';
import { parseEnv } from '../server/env';
import { ms, percentile, type Row } from './lib';

/**
 * The widget bundle's gzipped size, and how long after the bundle has arrived
 * the launcher is on screen and answers (median of 10 cold page loads of the demo page).
 */
export async function benchWidget(): Promise<Row[]> {
  const bundle = readFileSync(new URL('../dist/ipp-chat.js', import.meta.url));
  const gz = gzipSync(bundle, { level: 9 }).length;
  const rows: Row[] = [{
    bench: 'widget bundle', metric: 'gzipped size', value: `${(gz / 1024).toFixed(1)} KiB`, target: '< 30 KiB', ok: gz < 30 * 1024,
  }];

  const dir = mkdtempSync(join(tmpdir(), 'ippchat-bench-'));
  const server = await listen(parseEnv({ CHAT_DEMO: '1', DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, UPLOAD_DIR: join(dir, 'up') }), 0, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const context = await browser.newContext(); // cold: no cache, no storage
      const page = await context.newPage();
      await page.goto(`${server.url}/demo/?user=1`);
      const launcher = page.getByRole('button', { name: /^Ouvrir la messagerie/ });
      await launcher.waitFor();
      times.push(await page.evaluate(() => {
        const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/ipp-chat.js')) as PerformanceResourceTiming;
        const chat = document.querySelector('ipp-chat') as HTMLElement & { dataset: DOMStringMap };
        // The launcher exists and has its accessible name: it is rendered and its click handler bound.
        return performance.now() - script.responseEnd + (chat ? 0 : Infinity);
      }));
      await context.close();
    }
    times.sort((a, b) => a - b);
    rows.push({
      bench: 'widget launcher', metric: 'interactive after load (p50)', value: ms(percentile(times, 50)),
      target: '< 500 ms', ok: percentile(times, 50) < 500,
    });
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
