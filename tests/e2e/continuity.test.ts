import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launcher, launchChromium, startDemo, type RunningServer } from '../../testkit/chromium';
import type { RoomView as Room } from '../../server/services/views';


describe('the widget across the pages of the demo host app', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** Calls the API as a demo user, with the token the demo's host route gives them. */
  async function api(user: number, method: string, path: string, body?: unknown) {
    const { token } = await (await fetch(`${server.url}/demo/token?user=${user}`)).json();
    const res = await fetch(`${server.url}/api/chat${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
    return res.json();
  }

  beforeAll(async () => {
    server = await startDemo();
    browser = await launchChromium();
    // A history long enough to scroll in the "Achats Asie" group.
    const rooms = (await api(2, 'GET', '/rooms')) as Room[];
    const achats = rooms.find((r) => r.name === 'Achats Asie')!;
    for (let i = 1; i <= 40; i++) await api(i % 2 ? 2 : 3, 'POST', `/rooms/${achats.id}/messages`, { content: `Point ${i} sur la commande`, clientId: `seed-${i}` });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  /** A new browser (own storage, own tab session). */
  async function newTab(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    return context.newPage();
  }
  const openButton = launcher;
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  const scroller = (page: Page) => page.locator('ipp-message-list .scroller');
  const roomTitle = (page: Page) => page.locator('ipp-room-view [part=header] h2');
  /** The API requests a page makes, as "METHOD /path". */
  const record = (page: Page) => {
    const seen: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/chat/')) seen.push(`${r.method()} ${url.pathname.slice('/api/chat'.length)}`);
    });
    return seen;
  };

  it('finds the open room, its scrolled history and the draft again on the next page, painted from the cache', async () => {
    const page = await newTab();
    await page.goto(`${server.url}/demo/?user=1`);
    await openButton(page).click();
    await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).click();
    await expect.poll(() => page.getByText('Point 40 sur la commande').count()).toBe(1);
    await composer(page).fill('Je valide la commande demain');
    // Up in the history, away from the bottom.
    await scroller(page).evaluate((el) => { el.scrollTop = 300; });
    await expect.poll(() => scroller(page).evaluate((el) => Math.round(el.scrollTop))).toBe(300);
    await page.waitForTimeout(100);

    // A click in the host's menu loads another page.
    const requests = record(page);
    await page.getByRole('link', { name: 'Factures' }).click();
    await page.waitForURL(/record=2025-0042/);
    await expect.poll(() => page.getByText('Point 40 sur la commande').count()).toBe(1);
    expect(await roomTitle(page).textContent()).toBe('Achats Asie');
    expect(await composer(page).inputValue()).toBe('Je valide la commande demain');
    await expect.poll(() => scroller(page).evaluate((el) => Math.round(el.scrollTop))).toBe(300);
    // Brought up to date through the feed (Last-Event-ID), not by fetching the list and the room again.
    await expect.poll(() => requests.includes('GET /events')).toBe(true);
    expect(requests.filter((r) => r.startsWith('GET /rooms'))).toEqual([]);

    // What happened meanwhile arrives.
    await api(2, 'POST', `/rooms/${(await roomOf(2, 'Achats Asie')).id}/messages`, { content: 'Arrivé après la navigation', clientId: 'after-nav' });
    await expect.poll(() => page.getByText('Arrivé après la navigation', { exact: true }).count(), { timeout: 10_000 }).toBe(1);
  });

  it('brings a quiet page up to date through the feed too, without fetching the list again', async () => {
    const direct = (await api(2, 'POST', '/rooms', { type: 'direct', userId: 5 })) as Room;
    const page = await newTab();
    const feed = page.waitForResponse((r) => r.url().endsWith('/api/chat/events'));
    await page.goto(`${server.url}/demo/?user=5`);
    expect((await feed).status()).toBe(200);
    // The panel stays closed and no event arrives on this page; Julien writes while the tab is elsewhere.
    await page.goto('about:blank');
    await api(2, 'POST', `/rooms/${direct.id}/messages`, { content: 'Écrit pendant votre absence', clientId: 'while-away' });
    const requests = record(page);
    await page.goto(`${server.url}/demo/?user=5`);
    await openButton(page).click();
    await expect.poll(() => page.getByText('Écrit pendant votre absence').count(), { timeout: 10_000 }).toBe(1);
    expect(requests).toContain('GET /events');
    expect(requests.filter((r) => r.startsWith('GET /rooms'))).toEqual([]);
  });

  it('shows a message sent between the room list and the start of the feed', async () => {
    const direct = (await api(3, 'POST', '/rooms', { type: 'direct', userId: 6 })) as Room;
    const page = await newTab();
    let sent = false;
    // Sophie writes after Inès's widget has read its room list, before its feed is open.
    await page.route('**/api/chat/events', async (route) => {
      if (!sent) {
        sent = true;
        await api(3, 'POST', `/rooms/${direct.id}/messages`, { content: 'Envoyé pendant le chargement', clientId: 'between' });
      }
      await route.continue();
    });
    await page.goto(`${server.url}/demo/?user=6`);
    await openButton(page).click();
    await expect.poll(() => page.getByText('Envoyé pendant le chargement').count(), { timeout: 10_000 }).toBe(1);
    expect(sent).toBe(true);
  });

  it('shows nothing of the previous user to the next one in the same tab', async () => {
    const page = await newTab();
    await page.goto(`${server.url}/demo/?user=1`);
    await openButton(page).click();
    await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).click();
    await composer(page).fill('Brouillon confidentiel de Camille');
    await page.waitForTimeout(100);

    await page.goto(`${server.url}/demo/?user=6`); // Inès, who is not in "Achats Asie"
    await expect.poll(() => openButton(page).count()).toBe(1); // the panel is closed: Camille's was open
    expect(await page.locator('ipp-room-view').count()).toBe(0);
    await openButton(page).click();
    await expect.poll(() => page.locator('ipp-chat').getByRole('button', { name: /^Annonces/ }).count()).toBe(1);
    expect(await page.locator('ipp-chat').getByRole('button', { name: /^Achats Asie/ }).count()).toBe(0);
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('Brouillon confidentiel');
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('Achats Asie');
  });

  it('finds the room created from a record\'s page again from another page of the same record', async () => {
    const page = await newTab();
    await page.goto(`${server.url}/demo/?user=1&record=2025-0043`);
    await openButton(page).click();
    await page.getByRole('button', { name: 'Discuter de Facture 2025-0043' }).click();
    await expect.poll(() => roomTitle(page).textContent()).toBe('Facture 2025-0043');
    const link = page.locator('ipp-room-view .record a');
    expect(await link.getAttribute('href')).toBe('/demo/?record=2025-0043');
    await composer(page).fill('Le client conteste la remise');
    await composer(page).press('Enter');
    await expect.poll(() => page.getByText('Le client conteste la remise').count()).toBe(1);

    // Another browser, another page of the same record: the same room, with its message.
    const other = await newTab();
    await other.goto(`${server.url}/demo/?user=1&record=2025-0043`);
    await openButton(other).click();
    await other.getByRole('button', { name: 'Discuter de Facture 2025-0043' }).click();
    await expect.poll(() => other.getByText('Le client conteste la remise').count()).toBe(1);
    // One room for the record, not two.
    const rooms = (await api(1, 'GET', '/rooms')) as Room[];
    expect(rooms.filter((r) => r.context?.id === '2025-0043')).toHaveLength(1);
  });

  async function roomOf(user: number, name: string): Promise<Room> {
    const rooms = (await api(user, 'GET', '/rooms')) as Room[];
    return rooms.find((r) => r.name === name)!;
  }
});
