import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoUsers, seedDemo } from '../../demo/seed';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { parseEnv } from '../../server/env';
import { migrateDb, openDb, type Db } from '../../server/storage';
import { boot } from '../../server/boot';
import { clientFor, createTestDb, DIALECTS, startServer, USERS, type TestServer } from './harness';

describe('outside demo mode', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer('sqlite'); });
  afterAll(() => server?.close());

  it('has no demo page and no token route', async () => {
    for (const path of ['/demo/', '/demo/?user=1', '/demo/token?user=1', '/demo/demo.js']) {
      const res = await server.app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses to start without a JWT key, in one line', () => {
    expect(() => parseEnv({})).toThrow(/^invalid configuration: CHAT_JWT_SECRET .* is required outside demo mode$/);
    expect(() => parseEnv({ CHAT_JWT_SECRET: 'too short' })).toThrow(/CHAT_JWT_SECRET must be at least 32 bytes/);
  });
});

describe('demo mode on the embedded default', () => {
  let dir: string;
  let db: Db;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ippchat-demo-'));
    const config = parseEnv({ CHAT_DEMO: '1', DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`, UPLOAD_DIR: join(dir, 'uploads') });
    await createDemoUsers(config.DATABASE_URL);
    await migrateDb(config.DATABASE_URL);
    db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
    await seedDemo(db, config.UPLOAD_DIR);
    await seedDemo(db, config.UPLOAD_DIR); // a second start seeds nothing more
    const verify = await createVerifier(config.jwtKey, { audience: config.CHAT_JWT_AUDIENCE });
    app = createApp({ config, db, verify });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = async (user: number) => {
    const res = await app.request(`/demo/token?user=${user}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return clientFor(app, (await res.json()).token);
  };

  it('mints tokens for demo users 1 to 6 only', async () => {
    for (const user of [1, 2, 3, 4, 5, 6]) {
      const me = await (await (await as(user)).get('/me')).json();
      expect(me.user.id).toBe(user);
      expect(me.perms).toContain('chat.read');
    }
    expect((await (await as(5)).get('/me').then((r) => r.json())).perms).not.toContain('chat.manage_rooms');
    for (const bad of ['7', '0', 'abc', '1;DROP']) {
      expect((await app.request(`/demo/token?user=${bad}`)).status, bad).toBe(400);
    }
  });

  it('has a history with replies, an edit, read markers and three kinds of attachments', async () => {
    const camille = await as(1);
    const rooms = await (await camille.get('/rooms')).json();
    expect(rooms.map((r: { name: string }) => r.name).sort()).toEqual(['Achats Asie', 'Annonces', 'Julien Moreau', 'Sophie Lefèvre']);
    expect(rooms.find((r: { name: string }) => r.name === 'Sophie Lefèvre').unreadCount).toBe(2);
    const achats = rooms.find((r: { name: string }) => r.name === 'Achats Asie');
    const { messages } = await (await camille.get(`/rooms/${achats.id}/messages`)).json();
    const files = messages.flatMap((m: { attachments: { extension: string; thumbnailUrl?: string }[] }) => m.attachments);
    expect(files.map((f: { extension: string }) => f.extension).sort()).toEqual(['pdf', 'png', 'xlsx']);
    const picture = files.find((f: { extension: string }) => f.extension === 'png');
    expect((await camille.get(picture.thumbnailUrl.replace('/api/chat', ''))).status).toBe(200);
    expect(messages.some((m: { replyTo: unknown }) => m.replyTo)).toBe(true);
    const julien = rooms.find((r: { name: string }) => r.name === 'Julien Moreau');
    const direct = await (await camille.get(`/rooms/${julien.id}/messages`)).json();
    expect(direct.messages.some((m: { editedAt: string | null }) => m.editedAt)).toBe(true);
    // The history spans several days, oldest first.
    const times = direct.messages.map((m: { createdAt: string }) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1) - times[0]).toBeGreaterThan(3 * 3600_000);
  });

  it('serves the mock host page with the widget under a strict CSP', async () => {
    const res = await app.request('/demo/?user=3');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const page = await res.text();
    expect(page).toContain('<ipp-chat api="/api/chat" token-url="/demo/token?user=3"');
    expect(page).toContain('<script type="module" src="/ipp-chat.js">');
    expect(page).toContain('Sophie Lefèvre');
    expect((await app.request('/demo')).headers.get('location')).toBe('/demo/');
    expect((await app.request('/demo/?user=<script>')).status).toBe(400);
  });

  it('serves an invoice\'s page, whose widget is tied to the invoice', async () => {
    const page = await (await app.request('/demo/?user=2&record=2025-0042')).text();
    expect(page).toContain('<h1>Facture 2025-0042</h1>');
    expect(page).toContain('<ipp-chat api="/api/chat" token-url="/demo/token?user=2" lang="fr" title-badge context-type="invoice" context-id="2025-0042" context-label="Facture 2025-0042" context-url="/demo/?record=2025-0042">');
    expect(await (await app.request('/demo/?user=2')).text()).not.toContain('context-id');
    for (const bad of ['9999-0001', '"><script>', '']) expect((await app.request(`/demo/?user=2&record=${encodeURIComponent(bad)}`)).status, bad).toBe(400);
  });

  it('serves the conversation page, at a room\'s address too, linked from the menu', async () => {
    expect(await (await app.request('/demo/?user=2')).text()).toContain('<a href="/demo/chat?user=2" id="messages-link"');
    const res = await app.request('/demo/chat?user=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain('<ipp-chat mode="page" api="/api/chat" token-url="/demo/token?user=2" lang="fr" title-badge >');
    expect(page).toContain('aria-current="page"');
    expect(await (await app.request('/demo/chat/12?user=2')).text()).toContain('title-badge room="12">');
    for (const bad of ['/demo/chat/0?user=2', '/demo/chat/12?user=99', '/demo/chat/99999999999999999?user=1']) {
      expect((await app.request(bad)).status, bad).toBe(400);
    }
    expect((await app.request('/demo/chat/abc')).status).toBe(404);
  });

  it('serves the widget bundle to pages of any origin, cached by ETag', async () => {
    const res = await app.request('/ipp-chat.js', { headers: { Origin: 'https://erp.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toContain('ipp-chat');
    const again = await app.request('/ipp-chat.js', { headers: { 'If-None-Match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe.each(DIALECTS)('demo mode on a database that is not its own (%s)', (dialect) => {
  it('refuses to start, in one line, and writes nothing into the users table', async () => {
    const testDb = await createTestDb(dialect);
    const uploads = mkdtempSync(join(tmpdir(), 'ippchat-demo-up-'));
    try {
      const config = parseEnv({ CHAT_DEMO: '1', DATABASE_URL: testDb.url, UPLOAD_DIR: uploads });
      await expect(boot(config)).rejects.toThrow(/^demo mode refuses to start: the users table of DATABASE_URL holds users that demo mode did not create; [^\n]+$/);
      const users = await testDb.exec('SELECT id, username FROM users ORDER BY id');
      expect(users.map((u) => u.username)).toEqual(USERS.map((u) => u.username));
    } finally {
      rmSync(uploads, { recursive: true, force: true });
      await testDb.drop();
    }
  });
});
