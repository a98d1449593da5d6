import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { launcher, launchChromium, startDemo } from '../testkit/chromium';
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
  // The emoji picker's chunk: fetched the first time someone opens the picker, never with the page.
  const chunks = new URL('../dist/ipp-chat-chunks/', import.meta.url);
  const picker = readdirSync(chunks).find((f) => f.startsWith('emoji-picker-loader-') && f.endsWith('.js'));
  if (picker) {
    const pgz = gzipSync(readFileSync(new URL(picker, chunks)), { level: 9 }).length;
    rows.push({ bench: 'widget emoji picker', metric: 'gzipped size, on first use', value: `${(pgz / 1024).toFixed(1)} KiB`, target: '< 20 KiB', ok: pgz < 20 * 1024 });
  }

  const server = await startDemo();
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const context = await browser.newContext(); // cold: no cache, no storage
      const page = await context.newPage();
      await page.goto(`${server.url}/demo/?user=1`);
      await launcher(page).waitFor();
      // The launcher has its accessible name: it is rendered and its click handler bound.
      times.push(await page.evaluate(() => {
        const script = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/ipp-chat.js')) as PerformanceResourceTiming;
        return performance.now() - script.responseEnd;
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
  }
  return rows;
}
