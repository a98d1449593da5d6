import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { listen as listenOn } from '../server/boot';
import { parseEnv } from '../server/env';
import type { Logger } from '../server/log';

/** The flags this machine's Chromium needs (no sandbox as root, no calls home). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A BFF listening on loopback, booted like `npm start` from the given environment. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Logs only warnings and errors unless LOG_LEVEL says otherwise; `logger` takes the lines instead. */
export function listen(env: Record<string, string>, opts: { logger?: Logger } = {}): Promise<RunningServer> {
  return listenOn(parseEnv({ LOG_LEVEL: 'warn', ...env }), 0, '127.0.0.1', opts);
}

/** `npm run demo` on a fresh SQLite file and upload folder: the demo users, rooms and page. */
export async function startDemo(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ippchat-e2e-'));
  const server = await listen({ CHAT_DEMO: '1', DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, UPLOAD_DIR: join(dir, 'uploads'), ...env });
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The widget's launcher button (French), whose accessible name goes on with the unread count. */
export const launcher = (scope: Page | Locator) => scope.getByRole('button', { name: /^Ouvrir la messagerie/ });

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical WCAG 2 A/AA violations axe finds in the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) forbids inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return r.violations.filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: { id: string; nodes: { target: unknown }[] }) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}
