import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../../server/mail/links';
import { DIALECTS, expectDocumented, expectProblem, mint, startServer, type TestServer } from './harness';

/* Notification preferences (GET/PATCH /me/preferences) and the e-mails' one-click unsubscribe link. */

describe.each(DIALECTS)('notification preferences on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(dialect, { SMTP_URL: 'smtp://127.0.0.1:2525', CHAT_MAIL_FROM: 'chat@ipp.test', CHAT_APP_URL: 'https://ipp.test' });
  });
  afterAll(() => server?.close());

  const unsubscribe = async (method: 'GET' | 'POST', token: string) => {
    const path = `/api/chat/unsubscribe/${encodeURIComponent(token)}`;
    const init = method === 'POST'
      ? { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }
      : { method };
    return expectDocumented(server.app, method, path, await server.app.request(path, init));
  };

  it('answers the defaults until changed, and changes only what is sent', async () => {
    const alice = await server.as(1);
    expect(await (await alice.get('/me/preferences')).json()).toEqual({ email: 'mentions', emailDelayMinutes: 15, sound: true, emailAvailable: true });
    const changed = await alice.patch('/me/preferences', { email: 'all', emailDelayMinutes: 60 });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ email: 'all', emailDelayMinutes: 60, sound: true, emailAvailable: true });
    await alice.patch('/me/preferences', { sound: false });
    expect(await (await alice.get('/me/preferences')).json()).toEqual({ email: 'all', emailDelayMinutes: 60, sound: false, emailAvailable: true });
    // Another user's are their own.
    expect(await (await (await server.as(2)).get('/me/preferences')).json()).toMatchObject({ email: 'mentions', sound: true });
  });

  it('refuses bad values with a 400 problem and changes nothing', async () => {
    const chloe = await server.as(3);
    await chloe.patch('/me/preferences', { email: 'off', emailDelayMinutes: 30 });
    for (const body of [
      { email: 'sometimes' }, { emailDelayMinutes: 4 }, { emailDelayMinutes: 1441 }, { emailDelayMinutes: 15.5 }, { emailDelayMinutes: '15' },
      { sound: 'yes' }, { email: 'all', extra: 1 }, { email: null }, [],
    ]) {
      const problem = await expectProblem(await chloe.patch('/me/preferences', body), 400);
      expect(problem.reason).toBe('invalid-input');
    }
    await expectProblem(await chloe.request('PATCH', '/me/preferences', '{"email":', { 'Content-Type': 'application/json' }), 400);
    expect(await (await chloe.get('/me/preferences')).json()).toMatchObject({ email: 'off', emailDelayMinutes: 30, sound: true });
  });

  it('are for those who may read the chat', async () => {
    const noRead = await server.as(2, ['chat.create']);
    await expectProblem(await noRead.get('/me/preferences'), 403);
    await expectProblem(await noRead.patch('/me/preferences', { email: 'off' }), 403);
    expect(await (await (await server.as(2)).get('/me/preferences')).json()).toMatchObject({ email: 'mentions' });
  });

  it('turns e-mail off through the signed link: a page with a form, then one click', async () => {
    const david = await server.as(4);
    const token = await unsubscribeToken(server.config.mail!.linkKey, 4, 'en');
    const page = await unsubscribe('GET', token);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('<form method="post">');
    expect(text).toContain('Unsubscribe');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    // Showing the page changes nothing.
    expect(await (await david.get('/me/preferences')).json()).toMatchObject({ email: 'mentions' });
    const done = await unsubscribe('POST', token);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('no more notification e-mails');
    expect(await (await david.get('/me/preferences')).json()).toMatchObject({ email: 'off' });
  });

  it('refuses a forged, expired or borrowed link', async () => {
    const key = server.config.mail!.linkKey;
    const good = await unsubscribeToken(key, 2, 'fr');
    const [head, body] = good.split('.');
    const forged = [
      `${head}.${body}.${'A'.repeat(43)}`,
      // Someone else's id in a genuine token's body.
      `${head}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), sub: '1' })).toString('base64url')}.${good.split('.')[2]}`,
      await unsubscribeToken(new Uint8Array(32), 2, 'fr'),
      await unsubscribeToken(key, 2, 'fr', new Date(Date.now() - 91 * 24 * 3600_000)),
      // A session token of the API is no unsubscribe link.
      await mint({ sub: '2' }),
      await unsubscribeToken(key, 999, 'fr'),
      'nonsense',
    ];
    for (const token of forged) {
      for (const method of ['GET', 'POST'] as const) {
        const problem = await expectProblem(await unsubscribe(method, token), 400);
        expect(problem.reason).toBe('invalid-link');
      }
    }
    // Without its signed segment, the path is no unsubscribe link: just another API path wanting a token.
    await expectProblem(await server.app.request('/api/chat/unsubscribe', { method: 'POST' }), 401);
    expect(await (await (await server.as(2)).get('/me/preferences')).json()).toMatchObject({ email: 'mentions' });
    expect(await (await (await server.as(1)).get('/me/preferences')).json()).not.toMatchObject({ email: 'off' });
  });

  it('says e-mail is unavailable when the server sends none', async () => {
    const plain = await startServer(dialect);
    try {
      expect(await (await (await plain.as(1)).get('/me/preferences')).json()).toMatchObject({ emailAvailable: false });
      expect((await plain.app.request(`/api/chat/unsubscribe/${await unsubscribeToken(new Uint8Array(32), 1, 'fr')}`)).status).toBe(401);
    } finally {
      await plain.close();
    }
  });
});
