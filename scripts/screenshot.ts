import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { listen } from '../server/boot';
import { parseEnv } from '../server/env';

/**
 * `npm run screenshot`: docs/screenshot.png, the widget open on the demo page
 * (a fresh demo database, Camille's view of "Achats Asie"). Run `npm run build` first.
 */
const dir = mkdtempSync(join(tmpdir(), 'ippchat-shot-'));
const server = await listen(parseEnv({ CHAT_DEMO: '1', DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, UPLOAD_DIR: join(dir, 'uploads') }), 0, '127.0.0.1');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/demo/?user=1`);
  await page.getByRole('button', { name: /^Ouvrir la messagerie/ }).click();
  await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).click();
  await page.locator('ipp-chat').getByRole('img', { name: /Conteneur/ }).waitFor();
  await page.mouse.move(600, 700); // no hover actions in the picture
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot.png' });
  console.log('docs/screenshot.png written');
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
