import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePicture } from '../../demo/files';
import { createTestDb, mint, SECRET, type TestDb } from '../server/harness';
import { launcher, launchChromium, listen, type RunningServer } from '../../testkit/chromium';

/** A port nobody uses now, for a server that needs to know it before it starts. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitFor(url: string, child: ChildProcess) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the Flask app exited with ${child.exitCode}`);
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

const HOOK_SECRET = 'flask-webhook-secret-of-32-bytes-at-least';

describe('the Flask host and the BFF on MariaDB, on different origins', () => {
  let testDb: TestDb;
  let bff: RunningServer;
  let flask: ChildProcess;
  let flaskUrl: string;
  let bffUrl: string;
  let uploads: string;
  let browser: Browser;

  beforeAll(async () => {
    testDb = await createTestDb('mysql');
    // The stock module's service account, which posts alerts and answers "stock <ref>".
    await testDb.exec("INSERT INTO users (id, username, full_name, email, is_active) VALUES (6, 'ipp-stocks', 'IPP Stocks', NULL, 1)");
    uploads = mkdtempSync(join(tmpdir(), 'ippchat-flask-'));
    const flaskPort = await freePort();
    flaskUrl = `http://127.0.0.1:${flaskPort}`;
    // Production mode: no CHAT_DEMO, a real secret, and only the Flask origin allowed.
    // Its webhooks go to the Flask app's stock bot.
    bff = await listen({
      DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, CORS_ORIGINS: flaskUrl, UPLOAD_DIR: uploads,
      CHAT_WEBHOOK_URL: `${flaskUrl}/chat/webhook`, CHAT_WEBHOOK_SECRET: HOOK_SECRET, CHAT_WEBHOOK_USERS: '6',
    });
    bffUrl = bff.url.replace('127.0.0.1', 'localhost');
    flask = spawn('/usr/bin/python3', ['demo/flask/app.py'], {
      env: { ...process.env, CHAT_API: `${bffUrl}/api/chat`, CHAT_JWT_SECRET: SECRET, CHAT_WEBHOOK_SECRET: HOOK_SECRET, FLASK_PORT: String(flaskPort) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await waitFor(`${flaskUrl}/login`, flask);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    flask?.kill();
    await bff?.close();
    await testDb?.drop();
    rmSync(uploads, { recursive: true, force: true });
  });

  async function logIn(username: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${flaskUrl}/login`);
    await page.getByLabel('Identifiant').fill(username);
    await page.getByLabel('Mot de passe').fill('demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${flaskUrl}/`);
    return page;
  }
  // The /chat page holds the conversation page and the layout's floating widget, hidden there.
  const chat = (page: Page) => page.locator('ipp-chat:not([hidden])');
  const said = (page: Page, text: string) => chat(page).locator('ipp-message', { hasText: text });
  const composer = (page: Page) => chat(page).getByRole('textbox', { name: 'Message' });

  it('lets two employees logged in to Flask chat through the widget, a picture included', async () => {
    const alice = await logIn('alice');
    const bruno = await logIn('bruno');
    await launcher(chat(alice)).click();
    await chat(alice).getByRole('button', { name: 'Nouvelle conversation' }).click();
    await chat(alice).getByRole('searchbox', { name: 'Rechercher une personne' }).fill('Bruno');
    await chat(alice).getByRole('button', { name: /^Bruno Durand/ }).click();
    await composer(alice).fill('Bonjour Bruno, depuis Flask !');
    await composer(alice).press('Enter');

    // Bruno's side-menu badge (the host's own element, fed by the partial's hook) shows it live.
    await expect.poll(() => bruno.locator('[data-ipp-chat-badge]').textContent(), { timeout: 10_000 }).toBe('1');
    // The menu leads to the conversation page: the list beside the conversation, whose id the address follows.
    await bruno.getByRole('link', { name: /Messages/ }).click();
    await bruno.waitForURL(`${flaskUrl}/chat`);
    expect(await bruno.locator('ipp-chat').count()).toBe(2);
    expect(await chat(bruno).getAttribute('mode')).toBe('page');
    expect(await launcher(bruno).count()).toBe(0);
    await chat(bruno).getByRole('button', { name: /^Alice Martin/ }).click();
    await expect.poll(() => said(bruno, 'Bonjour Bruno, depuis Flask !').count()).toBe(1);
    await bruno.waitForURL(/\/chat\/\d+$/);
    const roomUrl = bruno.url();
    await bruno.reload();
    await expect.poll(() => said(bruno, 'Bonjour Bruno, depuis Flask !').count(), { timeout: 10_000 }).toBe(1);
    await bruno.goBack();
    await bruno.waitForURL(`${flaskUrl}/chat`);
    await expect.poll(() => composer(bruno).count()).toBe(0);
    await bruno.goForward();
    await bruno.waitForURL(roomUrl);
    await expect.poll(() => composer(bruno).count()).toBe(1);

    await chat(alice).locator('input[type=file]').setInputFiles({ name: 'quai.png', mimeType: 'image/png', buffer: await makePicture() });
    await composer(alice).press('Enter');
    const thumb = chat(bruno).getByRole('img', { name: /quai\.png/ });
    await expect.poll(() => thumb.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
  });

  it("posts a stock alert into the item's room, where the stock bot answers \"stock <ref>\"", async () => {
    const alice = await logIn('alice');
    await alice.goto(`${flaskUrl}/stock/REF-42`);
    await alice.getByRole('button', { name: 'Signaler un stock bas' }).click();
    await expect.poll(() => alice.locator('p.notice').textContent()).toBe("Alerte envoyée dans la conversation de l'article.");
    // Raised again the same day: still one alert.
    await alice.getByRole('button', { name: 'Signaler un stock bas' }).click();
    await expect.poll(() => alice.locator('p.notice').count()).toBe(1);

    // Bruno, a buyer of the item, is in its room too, through the API.
    const bruno = { headers: { Authorization: `Bearer ${await mint({ sub: '2' })}` } };
    const rooms = await (await fetch(`${bff.url}/api/chat/rooms`, bruno)).json();
    const room = rooms.find((r: { context?: { id: string } }) => r.context?.id === 'REF-42');
    expect(room).toMatchObject({ name: 'REF-42 · Chaise pliante', context: { type: 'stock_item', url: '/stock/REF-42' } });

    // Alice opens the item's conversation in the widget, asks the bot, and reads its answer.
    await alice.goto(`${flaskUrl}/chat/${room.id}`);
    await expect.poll(() => said(alice, 'Stock bas : 3 Chaise pliante restants').count(), { timeout: 10_000 }).toBe(1);
    await composer(alice).fill('stock REF-42');
    await composer(alice).press('Enter');
    await expect.poll(() => said(alice, 'REF-42 : 3 Chaise pliante en stock.').count(), { timeout: 15_000 }).toBe(1);
    const page = await (await fetch(`${bff.url}/api/chat/rooms/${room.id}/messages`, bruno)).json();
    expect(page.messages.filter((m: { type: string }) => m.type === 'text').map((m: { senderId: number; content: string }) => [m.senderId, m.content]))
      .toEqual([[6, 'Stock bas : 3 Chaise pliante restants (seuil 10). <@1>'], [1, 'stock REF-42'], [6, 'REF-42 : 3 Chaise pliante en stock.']]);
  });

  it('refuses an origin that is not in CORS_ORIGINS', async () => {
    const stranger = createServer((_req, res) => res.end('<!doctype html><title>ailleurs</title>')).listen(0, '127.0.0.1');
    await new Promise((resolve) => stranger.once('listening', resolve));
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`http://127.0.0.1:${(stranger.address() as AddressInfo).port}/`);
      const token = await mint({ sub: '1' });
      const outcome = await page.evaluate(async ({ url, token }) => {
        try {
          const res = await fetch(`${url}/api/chat/me`, { headers: { Authorization: `Bearer ${token}` } });
          return `read ${res.status}`;
        } catch (err) {
          return `blocked: ${(err as Error).name}`;
        }
      }, { url: bffUrl, token });
      expect(outcome).toBe('blocked: TypeError');
      // The allowed origin gets through, with the same token.
      const allowed = await fetch(`${bff.url}/api/chat/me`, { headers: { Origin: flaskUrl, Authorization: `Bearer ${token}` } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(flaskUrl);
    } finally {
      stranger.close();
    }
  });
});
