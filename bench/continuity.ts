import { launcher, launchChromium, startDemo } from '../testkit/chromium';
import { ms, percentile, type Row } from './lib';

const RUNS = 12;

/**
 * Continuity across page loads: on the demo page, with a room open, the time
 * from navigating to another page of the host app to the restored room
 * painted with its cached messages (performance.now() of the first animation
 * frame where a message bubble exists, from the new page's navigation start).
 */
export async function benchContinuity(): Promise<Row[]> {
  const server = await startDemo();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // A string, not a function: tsx would wrap a function's inner names in a helper the page does not have.
    await page.addInitScript(`(() => {
      // Any bubble: the first message of a room may be a system line ("… a créé la conversation").
      const bubble = () => [...(document.querySelector('ipp-chat')?.shadowRoot?.querySelector('ipp-chat-panel')?.shadowRoot?.querySelector('ipp-room-view')?.shadowRoot
        ?.querySelector('ipp-message-list')?.shadowRoot?.querySelectorAll('ipp-message') ?? [])].some((m) => m.shadowRoot?.querySelector('.bubble'));
      const tick = () => (bubble() ? (window.painted = performance.now()) : requestAnimationFrame(tick));
      requestAnimationFrame(tick);
    })()`);
    await page.goto(`${server.url}/demo/?user=1`);
    await launcher(page).click();
    await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).click();
    await page.waitForFunction(() => (window as unknown as { painted?: number }).painted);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Between the dashboard and an invoice, as an employee clicks through the menu.
      await page.goto(`${server.url}/demo/?user=1${i % 2 ? '' : '&record=2025-0042'}`);
      const painted = await page.waitForFunction(() => (window as unknown as { painted?: number }).painted, undefined, { timeout: 10_000 });
      times.push((await painted.jsonValue()) as number);
      await page.waitForTimeout(200); // the page settles (feed resumed) before the next click
    }
    times.sort((a, b) => a - b);
    return [{
      bench: 'widget continuity', metric: 'navigation → room painted (p50)', value: ms(percentile(times, 50)),
      target: '< 300 ms', ok: percentile(times, 50) < 300,
    }, {
      bench: 'widget continuity', metric: 'navigation → room painted (max)', value: ms(times.at(-1)!),
    }];
  } finally {
    await browser.close();
    await server.close();
  }
}
