import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePicture } from '../../demo/files';
import { axeViolations, launcher, launchChromium, startDemo, type RunningServer } from '../../testkit/chromium';

describe('the widget on the demo page, against the real server', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startDemo();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  // A page left open on a room would read what the next test expects to stay unread.
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  /** A person's own browser (own storage), on the demo page as demo user `user`. */
  async function visit(user: number, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?user=${user}`);
    return page;
  }
  const openButton = launcher;
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  const unread = async (page: Page) => Number((await openButton(page).getAttribute('aria-label'))?.match(/(\d+) messages? non lus?/)?.[1] ?? 0);
  /** A conversation in the widget's list (the demo page has the same names in its user switcher). */
  const room = (page: Page, name: string) => page.locator('ipp-chat').getByRole('button', { name: new RegExp(`^${name}`) });

  it('lets two people chat live, and a picture travels as a thumbnail', async () => {
    const camille = await visit(1);
    const julien = await visit(2);
    await expect.poll(() => unread(julien)).toBeGreaterThan(0); // the demo's history left Julien some unread messages
    const before = await unread(julien);
    await openButton(camille).click();
    await room(camille, 'Julien Moreau').click();
    await composer(camille).fill('Le conteneur MSKU est dédouané ✅');
    await composer(camille).press('Enter');
    await expect.poll(() => camille.getByText('Le conteneur MSKU est dédouané ✅').count()).toBe(1);

    // Julien's launcher shows the unread message live, without reloading.
    await expect.poll(() => unread(julien), { timeout: 10_000 }).toBe(before + 1);
    await openButton(julien).click();
    await room(julien, 'Camille Laurent').click();
    await expect.poll(() => julien.getByText('Le conteneur MSKU est dédouané ✅').count()).toBe(1);

    // Julien sends a picture; Camille sees its thumbnail arrive.
    const picture = await makePicture();
    await julien.locator('input[type=file]').setInputFiles({ name: 'quai.png', mimeType: 'image/png', buffer: picture });
    await composer(julien).press('Enter');
    const thumb = camille.getByRole('img', { name: /quai\.png/ });
    await expect.poll(() => thumb.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:'))).toBe(true);
  });

  it('opens and closes with the keyboard', async () => {
    const page = await visit(3);
    await openButton(page).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog');
    await expect.poll(() => panel.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible()).toBe(false);
    // Focus goes back to the launcher, so the keyboard user is not lost.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('IPP-CHAT');
  });

  it('has no serious or critical accessibility violation, closed, open and in a room', async () => {
    const page = await visit(4);
    const scan = () => axeViolations(page);
    expect(await scan()).toEqual([]);
    await openButton(page).click();
    await room(page, 'Achats Asie').click();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
    expect(await scan()).toEqual([]);
  });

  it('fills a phone screen', async () => {
    const page = await visit(5, { width: 390, height: 844 });
    await openButton(page).click();
    const box = await page.getByRole('dialog').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width).toBeGreaterThanOrEqual(388);
    expect(box!.height).toBeGreaterThanOrEqual(800);
  });

  /** Sends as a demo user straight through the API, as another person's browser would. */
  async function sendAs(user: number, roomName: string, content: string) {
    const { token } = await (await fetch(`${server.url}/demo/token?user=${user}`)).json();
    const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/chat${path}`, {
      ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    }).then((r) => r.json());
    const rooms = await api('/rooms');
    const room = rooms.find((r: { name: string }) => r.name === roomName);
    return api(`/rooms/${room.id}/messages`, { method: 'POST', body: JSON.stringify({ content, clientId: crypto.randomUUID() }) });
  }

  it('holds one event stream for four tabs, which all show the same unread count', async () => {
    const context = await browser.newContext();
    let streams = 0;
    context.on('request', (req) => { if (req.url().endsWith('/api/chat/events')) streams++; });
    const tabs: Page[] = [];
    for (let i = 0; i < 4; i++) {
      const tab = await context.newPage();
      await tab.goto(`${server.url}/demo/?user=2`);
      tabs.push(tab);
    }
    for (const tab of tabs) await expect.poll(() => unread(tab)).toBeGreaterThan(0);
    const before = await unread(tabs[0]);
    await sendAs(1, 'Julien Moreau', 'Un message pour tous les onglets');
    for (const tab of tabs) await expect.poll(() => unread(tab), { timeout: 10_000 }).toBe(before + 1);
    expect(streams).toBe(1);

    // The tab holding the stream closes: another takes over, and news still reaches every tab left.
    await tabs[0].close();
    await sendAs(1, 'Julien Moreau', 'Et encore un');
    for (const tab of tabs.slice(1)) await expect.poll(() => unread(tab), { timeout: 10_000 }).toBe(before + 2);
    expect(streams).toBe(2);
    await context.close();
  });

  it('sends a message written offline once the network is back, exactly once', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?user=3`);
    await openButton(page).click();
    await page.locator('ipp-chat').getByRole('button', { name: /^Camille Laurent/ }).click();
    const composer = page.getByRole('textbox', { name: 'Message' });
    await expect.poll(() => composer.isVisible()).toBe(true);

    await context.setOffline(true);
    await composer.fill('Écrit dans le train, sans réseau');
    await composer.press('Enter');
    const bubble = page.locator('ipp-chat').getByText('Écrit dans le train, sans réseau');
    await expect.poll(() => bubble.count()).toBe(1);
    await page.waitForTimeout(1500);
    await context.setOffline(false);

    const { token } = await (await fetch(`${server.url}/demo/token?user=1`)).json();
    const headers = { Authorization: `Bearer ${token}` };
    const rooms = await (await fetch(`${server.url}/api/chat/rooms`, { headers })).json();
    const room = rooms.find((r: { name: string }) => r.name === 'Sophie Lefèvre');
    const sent = async () => {
      const { messages } = await (await fetch(`${server.url}/api/chat/rooms/${room.id}/messages`, { headers })).json();
      return messages.filter((m: { content: string }) => m.content === 'Écrit dans le train, sans réseau').length;
    };
    await expect.poll(sent, { timeout: 20_000 }).toBe(1);
    await page.waitForTimeout(1000);
    expect(await sent()).toBe(1);
    expect(await bubble.count()).toBe(1);
    await context.close();
  });
});
