import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from './fixtures/files';
import { ALL_PERMS, DIALECTS, expectProblem, mint, startServer, type TestServer } from './harness';

/*
 * A failure tells a client what happened in codes it can word in its own
 * language: a stable type and code per status, a finer reason, and the facts
 * the wording needs.
 */
describe.each(DIALECTS)('problems on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(dialect, { CHAT_RATE_MESSAGES: '2' }); });
  afterAll(() => server?.close());

  it('name the refused file, its extension and why', async () => {
    const alice = await server.as(1);
    const room = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
    const form = new FormData();
    form.set('clientId', 'refused-1');
    form.append('files', new Blob([Buffer.from((await samples()).pdf)]), 'tableau.xlsx');
    const problem = await expectProblem(await alice.request('POST', `/rooms/${room}/messages`, undefined, {}, form), 415);
    expect(problem).toMatchObject({
      type: 'urn:ipp-chat:problem:unsupported-type', code: 'unsupported-type', reason: 'content-mismatch', fileName: 'tableau.xlsx', extension: 'xlsx',
    });
  });

  it('say which permission is missing, why a token is refused, and how long to wait', async () => {
    const noManage = await server.as(3, ALL_PERMS.filter((p) => p !== 'chat.manage_rooms'));
    expect(await expectProblem(await noManage.post('/rooms', { type: 'group', name: 'Achats', memberIds: [] }), 403))
      .toMatchObject({ code: 'forbidden', reason: 'permission', permission: 'chat.manage_rooms' });

    const expired = await mint({ sub: '1', iat: Math.floor(Date.now() / 1000) - 600 }, { expiresIn: Math.floor(Date.now() / 1000) - 120 });
    const res = await server.app.request('/api/chat/me', { headers: { Authorization: `Bearer ${expired}` } });
    expect(await expectProblem(res, 401)).toMatchObject({ code: 'unauthorized', reason: 'token-expired' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    const bruno = await server.as(2);
    const room = (await (await bruno.post('/rooms', { type: 'direct', userId: 4 })).json()).id;
    for (const i of [1, 2]) expect((await bruno.post(`/rooms/${room}/messages`, { content: `m${i}`, clientId: `rl-${i}` })).status).toBe(201);
    const limited = await bruno.post(`/rooms/${room}/messages`, { content: 'm3', clientId: 'rl-3' });
    const problem = await expectProblem(limited, 429);
    expect(problem).toMatchObject({ code: 'rate-limited', reason: 'messages', retryAfter: expect.any(Number) });
    expect(limited.headers.get('retry-after')).toBe(String(problem.retryAfter));
  });

  it('point at the input at fault, and answer an unknown route like any 404', async () => {
    const alice = await server.as(1);
    expect(await expectProblem(await alice.get('/rooms?filter=everything'), 400)).toMatchObject({ reason: 'invalid-input', field: 'query.filter' });
    expect(await expectProblem(await alice.get('/nowhere'), 404)).toMatchObject({ code: 'not-found', type: 'urn:ipp-chat:problem:not-found' });
  });
});
