import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log';
import { launchChromium, listen, type RunningServer } from '../../testkit/chromium';
import { createTestDb, HIGH_LIMITS, mint, SECRET, type TestDb } from '../server/harness';
import { openEvents } from '../server/sse-client';

/*
 * The README's same-origin set-up, for real: Debian's nginx running
 * docs/nginx-ipp-chat.conf as it is (its BFF address swapped for the test's)
 * in front of two BFFs, one with TRUST_PROXY=loopback and one without.
 */

const CONF = readFileSync('docs/nginx-ipp-chat.conf', 'utf8');
const MiB = 1024 * 1024;

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const uploads: string[] = [];

/** A BFF whose JSON log lines are kept. */
async function bff(testDb: TestDb, env: Record<string, string>) {
  const raw: string[] = [];
  uploads.push(mkdtempSync(join(tmpdir(), 'ippchat-nginx-up-')));
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => { raw.push(s); } } });
  const server = await listen({
    DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: uploads.at(-1)!, ...HIGH_LIMITS, ...env,
  }, { logger });
  const requests = () => raw.flatMap((s) => s.split('\n')).filter(Boolean).map((s) => JSON.parse(s)).filter((l) => l.msg === 'request');
  return { server, requests };
}

describe('the BFF behind nginx, as the README sets it up', () => {
  let testDb: TestDb;
  let trusting: Awaited<ReturnType<typeof bff>>;
  let plain: Awaited<ReturnType<typeof bff>>;
  let dir: string;
  let nginx: ChildProcess;
  let proxied: string;
  let proxiedPlain: string;
  let token: string;
  let browser: Browser | undefined;
  let roomId: number;

  beforeAll(async () => {
    testDb = await createTestDb('sqlite');
    trusting = await bff(testDb, { TRUST_PROXY: 'loopback' });
    plain = await bff(testDb, {});
    dir = mkdtempSync(join(tmpdir(), 'ippchat-nginx-'));
    // nginx's workers (nobody, when it starts as root) read the page.
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'www'));
    writeFileSync(join(dir, 'www', 'index.html'), '<!doctype html><title>hôte</title><script type="module" src="/ipp-chat.js"></script>');
    const [port, portPlain] = [await freePort(), await freePort()];
    const site = (listenOn: number, upstream: RunningServer) => `
      server {
        listen 127.0.0.1:${listenOn};
        root ${join(dir, 'www')};
        ${CONF.replaceAll('http://127.0.0.1:8787', upstream.url)}
      }`;
    writeFileSync(join(dir, 'nginx.conf'), `
      worker_processes 1;
      pid ${join(dir, 'nginx.pid')};
      error_log ${join(dir, 'error.log')} warn;
      events { worker_connections 256; }
      http {
        access_log ${join(dir, 'access.log')};
        client_body_temp_path ${join(dir, 'body')};
        proxy_temp_path ${join(dir, 'proxy')};
        fastcgi_temp_path ${join(dir, 'fastcgi')};
        uwsgi_temp_path ${join(dir, 'uwsgi')};
        scgi_temp_path ${join(dir, 'scgi')};
        types { text/html html; }
        ${site(port, trusting.server)}
        ${site(portPlain, plain.server)}
      }`);
    nginx = spawn('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    nginx.stderr!.on('data', (d) => { stderr += d; });
    proxied = `http://127.0.0.1:${port}`;
    proxiedPlain = `http://127.0.0.1:${portPlain}`;
    for (let i = 0; ; i++) {
      if (nginx.exitCode !== null || i > 100) throw new Error(`nginx did not start: ${stderr}`);
      if (await fetch(`${proxied}/api/chat/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    token = await mint({ sub: '1' });
    roomId = (await (await fetch(`${proxied}/api/chat/rooms`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }),
    })).json()).id;
  });
  afterAll(async () => {
    await browser?.close();
    nginx?.kill('SIGQUIT');
    await trusting?.server.close();
    await plain?.server.close();
    await testDb?.drop();
    for (const d of [dir, ...uploads]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('is the configuration the README shows', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(CONF.trim());
  });

  it('streams the feed through without buffering', async () => {
    const bruno = await mint({ sub: '2' });
    const stream = await openEvents(`${proxied}/api/chat`, bruno);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      // The retry hint, a few bytes, arrives with the headers: nothing waits for a buffer to fill.
      await expect.poll(() => stream.retry, { timeout: 1000 }).toBe(3000);
      for (let i = 0; i < 3; i++) {
        const sentAt = performance.now();
        const res = await fetch(`${proxied}/api/chat/rooms/${roomId}/messages`, {
          method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ content: `à travers nginx ${i}`, clientId: `nginx-${i}` }),
        });
        expect(res.status).toBe(201);
        const id = (await res.json()).id;
        const event = await stream.waitFor((e) => e.event === 'message.created' && e.json.id === id, { timeout: 2000 });
        expect(event.at - sentAt).toBeLessThan(1000);
      }
    } finally {
      stream.close();
    }
  });

  it('passes a 25 MiB upload', async () => {
    const bytes = new Uint8Array(25 * MiB);
    bytes.set(new TextEncoder().encode('%PDF-1.4\n'));
    const form = new FormData();
    form.set('clientId', 'nginx-upload');
    form.append('files', new Blob([bytes], { type: 'application/pdf' }), 'gros.pdf');
    const res = await fetch(`${proxied}/api/chat/rooms/${roomId}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    expect(res.status).toBe(201);
    const message = await res.json();
    expect(message.attachments[0]).toMatchObject({ fileName: 'gros.pdf', size: 25 * MiB });
    const file = await fetch(`${proxied}${message.attachments[0].url}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(25 * MiB);
  });

  it('serves the widget from the proxied path, and a page of the host loads it', async () => {
    const res = await fetch(`${proxied}/ipp-chat.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync('dist/ipp-chat.js'))).toBe(true);
    // The emoji picker's data, which the picker fetches from the widget's own origin.
    const emoji = await fetch(`${proxied}/ipp-chat-emoji/fr.json`);
    expect(emoji.status).toBe(200);
    expect(Buffer.from(await emoji.arrayBuffer()).equals(readFileSync('dist/ipp-chat-emoji/fr.json'))).toBe(true);
    browser = await launchChromium();
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('pageerror', (e) => failed.push(`error: ${e.message}`));
    await page.goto(`${proxied}/`);
    await page.waitForFunction(() => customElements.get('ipp-chat') !== undefined, undefined, { timeout: 10_000 });
    expect(failed).toEqual([]);
  });

  it('logs the client\'s address from X-Forwarded-For only when TRUST_PROXY trusts the proxy', async () => {
    for (const [base, server, expected] of [[proxied, trusting, '203.0.113.7'], [proxiedPlain, plain, '127.0.0.1']] as const) {
      const res = await fetch(`${base}/api/chat/me`, { headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': '203.0.113.7' } });
      expect(res.status).toBe(200);
      const id = res.headers.get('x-request-id');
      await expect.poll(() => server.requests().find((l) => l.requestId === id)?.ip, { timeout: 2000 }).toBe(expected);
    }
  });
});
