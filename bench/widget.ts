import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { launcher, launchChromium, startDemo } from '../testkit/chromium';
import { ms, percentile, type Row } from './lib';

const dist = new URL('../dist/', import.meta.url);
const gzipped = (path: string) => gzipSync(readFileSync(new URL(path, dist)), { level: 9 }).length;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * The widget's scripts: what a page loads before the launcher works (the
 * entry and the chunks it imports statically) and what the panel's first
 * open loads; how long after the entry has arrived the launcher is on screen
 * and answers, and how long a first open takes until the list shows (medians
 * of 10 cold page loads of the demo page).
 */
export async function benchWidget(): Promise<Row[]> {
  const entry = readFileSync(new URL('ipp-chat.js', dist), 'utf8');
  const imports = (code: string, kind: 'static' | 'dynamic') => [...code.matchAll(kind === 'static'
    ? /(?:^|;)import[^"(]*"\.\/(?:ipp-chat-chunks\/)?([^"]+\.js)"/g
    : /import\("\.\/(?:ipp-chat-chunks\/)?([^"]+\.js)"\)/g)].map((m) => `ipp-chat-chunks/${m[1]}`);
  const chunk = (path: string) => readFileSync(new URL(path, dist), 'utf8');
  const initial = ['ipp-chat.js', ...imports(entry, 'static')];
  // The session: what the entry imports as soon as it has a token source, with what that needs beyond the initial script
  // (the entry may also import the panel early, when the page before left it open: that is the panel's part).
  const session = imports(entry, 'dynamic').filter((f) => f.includes('/chat-session-')).flatMap((f) => [f, ...imports(chunk(f), 'static')]).filter((f, i, all) => !initial.includes(f) && all.indexOf(f) === i);
  const all = ['ipp-chat.js', ...readdirSync(new URL('ipp-chat-chunks/', dist)).filter((f) => f.endsWith('.js')).map((f) => `ipp-chat-chunks/${f}`)];
  // The emoji picker: fetched the first time someone opens it, never with the page or the panel.
  const picker = all.filter((f) => f.startsWith('ipp-chat-chunks/emoji-picker-loader-'));
  const sum = (files: string[]) => files.reduce((n, f) => n + gzipped(f), 0);
  const initialBytes = sum(initial);
  const rows: Row[] = [
    { bench: 'widget bundle', metric: 'initial script (launcher), gzipped', value: kib(initialBytes), target: '≤ 12 KiB', ok: initialBytes <= 12 * 1024 },
    { bench: 'widget bundle', metric: 'then the session (state, feed), gzipped', value: kib(sum(session)), target: '', ok: true },
    { bench: 'widget bundle', metric: 'on first open or when idle (panel), gzipped', value: kib(sum(all.filter((f) => !initial.includes(f) && !session.includes(f) && !picker.includes(f)))), target: '', ok: true },
    { bench: 'widget bundle', metric: 'the emoji picker, on first use, gzipped', value: kib(sum(picker)), target: '< 20 KiB', ok: sum(picker) < 20 * 1024 },
    { bench: 'widget bundle', metric: 'everything, gzipped', value: kib(sum(all)), target: '', ok: true },
  ];

  const server = await startDemo();
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    const opens: number[] = [];
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
      // The first open, before the idle-time prefetch: the panel's scripts come now.
      const start = Date.now();
      await launcher(page).click();
      await page.locator('ipp-chat').getByRole('searchbox').waitFor();
      opens.push(Date.now() - start);
      await context.close();
    }
    times.sort((a, b) => a - b);
    opens.sort((a, b) => a - b);
    rows.push({
      bench: 'widget launcher', metric: 'interactive after load (p50)', value: ms(percentile(times, 50)),
      target: '< 500 ms', ok: percentile(times, 50) < 500,
    }, {
      bench: 'widget panel', metric: 'first open to the list (p50)', value: ms(percentile(opens, 50)),
      target: '< 500 ms', ok: percentile(opens, 50) < 500,
    });
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}
