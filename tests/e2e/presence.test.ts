import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launcher, launchChromium, listen, type RunningServer } from '../../testkit/chromium';
import { createTestDb, type TestDb } from '../../testkit/db';

describe('presence across two instances sharing MariaDB and Redis', () => {
  let testDb: TestDb;
  let uploads: string;
  const servers: RunningServer[] = [];
  let browser: Browser;

  beforeAll(async () => {
    testDb = await createTestDb('mysql', [], { usersTable: false, migrate: false });
    uploads = mkdtempSync(join(tmpdir(), 'ippchat-presence-'));
    const env = { CHAT_DEMO: '1', DATABASE_URL: testDb.url, UPLOAD_DIR: uploads, REDIS_URL: 'redis://127.0.0.1:6379' };
    // One after the other: the first creates and seeds the demo, the second finds it.
    servers.push(await listen(env));
    servers.push(await listen(env));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    await testDb?.drop();
    rmSync(uploads, { recursive: true, force: true });
  });

  async function visit(server: RunningServer, user: number): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${server.url}/demo/?user=${user}`);
    return page;
  }
  const chat = (page: Page) => page.locator('ipp-chat');
  const since = (start: number) => Date.now() - start;

  it('shows a colleague online within 2 s of their page opening on the other instance, and gone within 2 s of it closing', async () => {
    const camille = await visit(servers[0], 1);
    await launcher(camille).click();
    await chat(camille).getByRole('button', { name: /^Julien Moreau/ }).click();
    const header = chat(camille).locator('ipp-room-view [part=header]');
    const subtitle = async () => (await header.locator('.sub').allTextContents())[0] ?? '';
    await expect.poll(() => header.count()).toBe(1);
    // Julien has not opened the chat yet.
    expect(await subtitle()).toBe('');

    const julien = await visit(servers[1], 2);
    await expect.poll(() => launcher(julien).count()).toBe(1);
    // From the moment Julien's widget is up, its feed opening is a matter of milliseconds.
    let start = Date.now();
    await expect.poll(subtitle, { interval: 100, timeout: 5000 }).toBe('en ligne');
    expect(since(start)).toBeLessThan(2000);

    // A reload is not a departure: no "vu à" in between.
    const seen: string[] = [];
    const watch = setInterval(() => void subtitle().then((t) => seen.push(t)), 100);
    await julien.reload();
    await julien.waitForTimeout(2500);
    clearInterval(watch);
    expect(seen.filter((t) => t !== 'en ligne')).toEqual([]);

    start = Date.now();
    await julien.context().close();
    await expect.poll(subtitle, { interval: 100, timeout: 5000 }).toMatch(/^vu à \d\d:\d\d$/);
    expect(since(start)).toBeLessThan(2000);
  });
});
