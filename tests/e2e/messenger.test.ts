import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HIGH_LIMITS } from '../../testkit/db';
import { axeViolations, launcher, launchChromium, startDemo, type RunningServer } from '../../testkit/chromium';

/**
 * What a person does many times a day, on the demo against the real server:
 * find a message, open a room where the unread ones start, see what happened
 * in it, stay informed when the network goes, use the conversation page.
 */
describe('the messenger, used as employees use it', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Others' messages are posted in bursts here, faster than a person types.
    server = await startDemo(HIGH_LIMITS);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function visit(user: number, path = '/demo/', viewport = { width: 1366, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ viewport, hasTouch: viewport.width < 500 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}${path}${path.includes('?') ? '&' : '?'}user=${user}`);
    return page;
  }
  /** The API as demo user `user`, for what other people do meanwhile. */
  async function as(user: number) {
    const { token } = await (await fetch(`${server.url}/demo/token?user=${user}`)).json();
    return async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/api/chat${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
      return res.status === 204 ? undefined : res.json();
    };
  }
  const chat = (page: Page) => page.locator('ipp-chat:not([hidden])');
  const room = (page: Page, name: string) => chat(page).getByRole('button', { name: new RegExp(`^${name}`) });
  const message = (page: Page, text: string) => chat(page).locator('ipp-message', { hasText: text });
  const composer = (page: Page) => chat(page).getByRole('textbox', { name: 'Message' });
  const box = async (l: Locator) => (await l.boundingBox())!;
  /** Whether a message is within the scrolled list's view (isVisible() says nothing of scrolling). */
  const onScreen = async (page: Page, l: Locator) => {
    const [view, it] = [await box(chat(page).locator('ipp-message-list')), await l.boundingBox()];
    return !!it && it.y + it.height > view.y && it.y < view.y + view.height;
  };
  const roomId = async (api: Awaited<ReturnType<typeof as>>, name: string) =>
    ((await api('GET', '/rooms')) as { id: number; name: string }[]).find((r) => r.name === name)!.id;

  it('finds an old message of another room and opens it in its context, then pages down to the latest', async () => {
    const julien = await as(2);
    const achats = await roomId(julien, 'Achats Asie');
    // Buried under 80 newer messages: not in the page a room opens with.
    for (let i = 1; i <= 80; i++) await julien('POST', `/rooms/${achats}/messages`, { content: `Point logistique ${i}.`, clientId: `search-${i}` });
    const camille = await visit(1);
    await launcher(camille).click();
    await room(camille, 'Julien Moreau').click();
    await chat(camille).getByRole('button', { name: 'Retour' }).click();
    await chat(camille).getByRole('searchbox', { name: 'Rechercher une conversation' }).fill('havre');
    const result = chat(camille).locator('ipp-message-search').getByRole('button', { name: /Sophie Lefèvre · Achats Asie/ });
    await expect.poll(() => result.count()).toBe(1);
    expect(await result.locator('mark').first().textContent()).toBe('Havre');
    expect(await axeViolations(camille)).toEqual([]);
    await result.click();

    // The first: Camille's answer below quotes it.
    const found = message(camille, 'Le conteneur est arrivé au Havre').first();
    await expect.poll(() => onScreen(camille, found)).toBe(true);
    expect(await found.getAttribute('flash')).toBe('');
    // Its neighbours are there, the latest are not yet...
    expect(await message(camille, 'Point logistique 1.').count()).toBe(1);
    expect(await message(camille, 'Point logistique 80.').count()).toBe(0);
    // ...and come by scrolling down.
    for (let i = 0; i < 10 && !(await message(camille, 'Point logistique 80.').count()); i++) {
      await chat(camille).locator('ipp-message-list').hover();
      await camille.mouse.wheel(0, 4000);
      await camille.waitForTimeout(300);
    }
    expect(await message(camille, 'Point logistique 80.').count()).toBe(1);
  });

  it('opens a room at the "Nouveaux messages" line above the first unread message', async () => {
    const julien = await as(2);
    const achats = await roomId(julien, 'Achats Asie');
    // Thomas has read everything so far.
    const thomas = await as(4);
    const { messages: latest } = await thomas('GET', `/rooms/${achats}/messages?limit=1`);
    await thomas('POST', `/rooms/${achats}/read`, { messageId: latest[0].id });
    for (let i = 1; i <= 30; i++) await julien('POST', `/rooms/${achats}/messages`, { content: `Arrivage ${i} contrôlé`, clientId: `line-${i}` });
    const page = await visit(4);
    await launcher(page).click();
    await room(page, 'Achats Asie').click();
    const line = chat(page).getByRole('separator').filter({ hasText: 'Nouveaux messages' });
    await expect.poll(() => line.count()).toBe(1);
    const first = message(page, 'Arrivage 1 contrôlé');
    expect((await box(first)).y).toBeGreaterThan((await box(line)).y);
    // Opened there, not at the bottom.
    expect(await onScreen(page, line)).toBe(true);
    expect(await onScreen(page, message(page, 'Arrivage 30 contrôlé'))).toBe(false);
  });

  it('writes what happened in the timeline, the same after a reload', async () => {
    const camille = await as(1);
    const created = await camille('POST', '/rooms', { type: 'group', name: 'Quai 4', memberIds: [5] });
    await camille('POST', `/rooms/${created.id}/members`, { userId: 6 });
    await camille('PATCH', `/rooms/${created.id}`, { name: 'Quai 4 — déchargement' });
    await (await as(5))('DELETE', `/rooms/${created.id}/members/5`);
    const lines = [
      'Camille Laurent a créé la conversation',
      'Camille Laurent a ajouté Inès Benali',
      'Camille Laurent a renommé la conversation en « Quai 4 — déchargement »',
      'Nicolas Roux a quitté la conversation',
    ];
    const page = await visit(6);
    await launcher(page).click();
    await room(page, 'Quai 4').click();
    for (const text of lines) await expect.poll(() => message(page, text).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.reload();
    for (const text of lines) await expect.poll(() => message(page, text).count()).toBe(1);
  });

  it('says the network is gone in one line, and stops saying it as soon as it is back', async () => {
    const page = await visit(3);
    await launcher(page).click();
    await room(page, 'Achats Asie').click();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
    const list = chat(page).locator('ipp-message-list');
    const before = await box(list);
    await page.context().setOffline(true);
    const banner = chat(page).getByRole('alert');
    await expect.poll(() => banner.allTextContents(), { timeout: 10_000 }).toEqual(['Connexion perdue, reconnexion…']);
    expect((await box(banner)).height).toBeLessThanOrEqual(32);
    expect(before.height - (await box(list)).height).toBeLessThanOrEqual(32);
    await page.context().setOffline(false);
    await expect.poll(() => banner.count(), { timeout: 3000 }).toBe(0);
  });

  it('explains a refused file in French, with the file\'s name, and offers to try again or give up', async () => {
    const page = await visit(3);
    await launcher(page).click();
    await room(page, 'Achats Asie').click();
    await chat(page).locator('input[type=file]').setInputFiles({ name: 'bon-de-livraison.pdf', mimeType: 'application/pdf', buffer: Buffer.from('ceci est du texte, pas un PDF') });
    await composer(page).press('Enter');
    await expect.poll(() => chat(page).getByRole('alert').allTextContents())
      .toEqual(['bon-de-livraison.pdf : son contenu n’est pas celui d’un fichier .pdf.']);
    const failed = chat(page).locator('ipp-message', { hasText: 'bon-de-livraison.pdf' });
    expect(await failed.getByRole('button', { name: 'Réessayer' }).count()).toBe(1);
    await failed.getByRole('button', { name: 'Abandonner' }).click();
    await expect.poll(() => failed.count()).toBe(0);
  });

  it('is the conversation page: list beside the conversation on a laptop, whose address follows', async () => {
    const page = await visit(2, '/demo/chat');
    const list = chat(page).locator('ipp-room-list');
    await expect.poll(() => room(page, 'Achats Asie').isVisible()).toBe(true);
    expect(await launcher(page).count()).toBe(0);
    await room(page, 'Achats Asie').click();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
    await page.waitForURL(/\/demo\/chat\/\d+\?user=2$/);
    const [left, right] = [await box(list), await box(chat(page).locator('ipp-room-view'))];
    expect(right.x).toBeGreaterThanOrEqual(left.x + left.width - 1);
    // Filling what the layout leaves below its top bar.
    expect(left.y + left.height).toBeGreaterThan(790);
    expect(await chat(page).getByRole('button', { name: 'Retour' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.reload();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
  });

  it('is one pane at a time on a phone, with a back button, the address following', async () => {
    const page = await visit(3, '/demo/chat', { width: 390, height: 844 });
    await expect.poll(() => room(page, 'Achats Asie').isVisible()).toBe(true);
    await room(page, 'Achats Asie').click();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
    expect(await chat(page).locator('ipp-room-list').count()).toBe(0);
    expect((await box(chat(page).locator('ipp-room-view'))).width).toBeGreaterThan(380);
    await page.waitForURL(/\/demo\/chat\/\d+\?user=3$/);
    // Opening a room does not pop the keyboard up.
    expect(await composer(page).evaluate((el) => el.matches(':focus'))).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await chat(page).getByRole('button', { name: 'Retour' }).click();
    await expect.poll(() => room(page, 'Achats Asie').isVisible()).toBe(true);
    await page.waitForURL(/\/demo\/chat\?user=3$/);
  });
});
