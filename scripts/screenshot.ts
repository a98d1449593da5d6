import { launcher, launchChromium, startDemo } from '../testkit/chromium';

/**
 * `npm run screenshot`: docs/screenshot.png, the widget open on the demo page
 * (a fresh demo database, Camille's view of "Achats Asie"). Run `npm run build` first.
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
  console.log('docs/screenshot.png written');
} finally {
  await browser.close();
  await server.close();
}
