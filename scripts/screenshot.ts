import { launcher, launchChromium, startDemo } from '../testkit/chromium';

/**
 * `npm run screenshot`: docs/screenshot.png, the widget open on the demo page
 * (a fresh demo database, Camille's view of "Achats Asie"), and
 * docs/screenshot-page.png, the same room on the conversation page.
 * Run `npm run build` first.
 */
const server = await startDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/demo/?user=1`);
  await launcher(page).click();
  await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).click();
  await page.locator('ipp-chat').getByRole('img', { name: /Conteneur/ }).waitFor();
  await page.mouse.move(600, 700); // no hover actions in the picture
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'docs/screenshot.png' });
  const chatPage = await browser.newPage({ viewport: { width: 1366, height: 800 }, deviceScaleFactor: 1 });
  await chatPage.goto(`${server.url}/demo/chat?user=1`);
  await chatPage.locator('ipp-chat[mode=page]').getByRole('button', { name: /^Achats Asie/ }).click();
  await chatPage.locator('ipp-chat[mode=page]').getByRole('img', { name: /Conteneur/ }).waitFor();
  await chatPage.mouse.move(700, 780);
  await chatPage.waitForTimeout(300);
  await chatPage.screenshot({ path: 'docs/screenshot-page.png' });
  console.log('docs/screenshot.png and docs/screenshot-page.png written');
} finally {
  await browser.close();
  await server.close();
}
