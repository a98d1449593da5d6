import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launcher, launchChromium, startDemo, type RunningServer } from '../../testkit/chromium';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Reactions, the emoji picker and mentions, between two people's browsers on the demo page. */
describe('reactions, emoji and mentions against the real server', () => {
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
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  /**
   * A person's own browser on the demo page, desktop notifications allowed and
   * recorded (`window.notified`: each one's title and body).
   */
  async function visit(user: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    await context.addInitScript(() => {
      const Real = window.Notification;
      const notified: { title: string; body?: string }[] = ((window as unknown as { notified: unknown[] }).notified = []);
      window.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          notified.push({ title, body: options?.body });
        }
      } as typeof Notification;
    });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/demo/?user=${user}`);
    return page;
  }
  const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });
  const room = (page: Page, name: string) => page.locator('ipp-chat').getByRole('button', { name: new RegExp(`^${name}`) });
  async function openRoom(page: Page, name: string) {
    await launcher(page).click();
    await room(page, name).click();
    await expect.poll(() => composer(page).isVisible()).toBe(true);
  }
  /** The API as a demo user, as their own browser would call it. */
  async function api(user: number, method: string, path: string, body?: unknown) {
    const { token } = await (await fetch(`${server.url}/demo/token?user=${user}`)).json();
    const res = await fetch(`${server.url}/api/chat${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 204 ? null : res.json();
  }

  it("shows one person's reaction to the other within a second", async () => {
    const camille = await visit(1);
    const julien = await visit(2);
    await openRoom(camille, 'Julien Moreau');
    await composer(camille).fill('Les échantillons sont arrivés');
    await composer(camille).press('Enter');
    await openRoom(julien, 'Camille Laurent');
    const said = julien.locator('ipp-message').filter({ hasText: 'Les échantillons sont arrivés' });
    await expect.poll(() => said.count()).toBe(1);
    await said.hover();
    const answered = julien.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/reactions/'));
    await said.getByRole('button', { name: 'Réagir avec 👀' }).click();
    expect((await answered).status()).toBe(201);
    const chip = camille.locator('ipp-message').filter({ hasText: 'Les échantillons sont arrivés' })
      .getByRole('button', { name: /^👀 1 : Julien Moreau$/ });
    await expect.poll(() => chip.count(), { timeout: 1000, interval: 25 }).toBe(1);
    expect(await chip.getAttribute('aria-pressed')).toBe('false');
  });

  it('tells someone they were mentioned in a room they muted: the "@" badge and a desktop notification', async () => {
    const achats = (await api(2, 'GET', '/rooms')).find((r: { name: string }) => r.name === 'Achats Asie');
    await api(2, 'PATCH', `/rooms/${achats.id}/me`, { muted: true });
    const julien = await visit(2);
    await expect.poll(() => launcher(julien).getAttribute('aria-label')).toMatch(/^Ouvrir la messagerie/);
    expect(await launcher(julien).getAttribute('aria-label')).not.toMatch(/mentionné/);

    const camille = await visit(1);
    await openRoom(camille, 'Achats Asie');
    await composer(camille).pressSequentially('@Jul');
    const suggestion = camille.getByRole('option', { name: '@Julien Moreau' });
    await expect.poll(() => suggestion.count()).toBe(1);
    await composer(camille).press('Enter');
    await composer(camille).pressSequentially('peux-tu relancer le fournisseur ?');
    expect(await composer(camille).inputValue()).toBe('@Julien Moreau peux-tu relancer le fournisseur ?');
    await composer(camille).press('Enter');

    await expect.poll(() => launcher(julien).getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/vous êtes mentionné$/);
    expect(await julien.locator('ipp-chat').locator('[part~=mention]').textContent()).toBe('@');
    await expect.poll(() => julien.evaluate(() => (window as unknown as { notified: unknown[] }).notified)).toEqual([
      { title: 'Camille Laurent vous a mentionné', body: '@Julien Moreau peux-tu relancer le fournisseur ?' },
    ]);
    const sent = (await api(2, 'GET', `/rooms/${achats.id}/messages`)).messages.at(-1);
    expect(sent).toMatchObject({ content: '<@2> peux-tu relancer le fournisseur ?', mentions: [2] });
    // In the list, the muted room carries the "@"; opened, the mention is read.
    await launcher(julien).click();
    await expect.poll(() => room(julien, 'Achats Asie').locator('.at').count()).toBe(1);
    await room(julien, 'Achats Asie').click();
    await expect.poll(() => julien.locator('ipp-chat').locator('[part~=mention]').count()).toBe(0);
  });

  it('has no serious or critical accessibility violation with the emoji picker open', async () => {
    const page = await visit(4);
    await openRoom(page, 'Achats Asie');
    await page.locator('ipp-chat').getByRole('button', { name: 'Insérer un emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Insérer un emoji' });
    await expect.poll(() => picker.getByRole('menuitem').count(), { timeout: 10_000 }).toBeGreaterThan(10);
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      // @ts-expect-error axe is injected above
      const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
      return r.violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
        .map((v: { id: string; nodes: { target: unknown }[] }) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(violations).toEqual([]);
    // And it works: a search in French, an emoji into the message.
    await picker.getByRole('combobox').fill('fusée');
    await picker.getByRole('option', { name: /fusée/ }).first().click();
    await expect.poll(() => composer(page).inputValue()).toBe('🚀');
  });
});
