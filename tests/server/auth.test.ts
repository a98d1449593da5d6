import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALL_PERMS, clientFor, DIALECTS, expectProblem, SECRET, startServer, type Client, type TestServer } from './harness';

const secretKey = new TextEncoder().encode(SECRET);
const nowS = () => Math.floor(Date.now() / 1000);

/** The claims a well-behaved host puts in a token for Alice; a test overrides or removes (undefined) some. */
function claims(overrides: Record<string, unknown> = {}) {
  const base: Record<string, unknown> = { sub: '1', perms: ALL_PERMS, aud: 'ipp-chat', iat: nowS(), exp: nowS() + 3600, ...overrides };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined));
}

/** Signs claims with any algorithm and key, as a forger would; `typ` null leaves the header without one. */
function sign(payload: Record<string, unknown>, alg = 'HS256', key: Uint8Array | CryptoKey = secretKey, kid?: string, typ: string | null = 'JWT') {
  return new SignJWT(payload).setProtectedHeader({ alg, ...(typ !== null ? { typ } : {}), ...(kid ? { kid } : {}) }).sign(key);
}

/** GET /me with an Authorization header exactly as given (none when undefined). */
function me(server: TestServer, authorization?: string, query = '') {
  return server.app.request(`/api/chat/me${query}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });
}

/** A token put together by hand: any header, any payload text, signed with HMAC-SHA256 over what is given. */
function handMade(header: unknown, payload: string, key: Uint8Array = secretKey) {
  const enc = (text: string) => Buffer.from(text).toString('base64url');
  const signed = `${enc(JSON.stringify(header))}.${enc(payload)}`;
  return `${signed}.${createHmac('sha256', key).update(signed).digest('base64url')}`;
}

async function expectInvalidToken(res: Response) {
  await expectProblem(res, 401);
  expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
}

describe.each(DIALECTS)('identity on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(dialect); });
  afterAll(() => server?.close());

  it('accepts a host-minted HS256 token and shows who the caller is', async () => {
    const res = await me(server, `Bearer ${await sign(claims())}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { id: 1, name: 'Alice Martin', email: 'alice@ipp.test', online: false }, perms: ALL_PERMS });
  });

  it('refuses a request without a usable Authorization header', async () => {
    const valid = await sign(claims());
    await expectInvalidToken(await me(server));
    await expectInvalidToken(await me(server, ''));
    await expectInvalidToken(await me(server, 'Bearer'));
    await expectInvalidToken(await me(server, `Basic ${Buffer.from('alice:secret').toString('base64')}`));
    await expectInvalidToken(await me(server, `Basic ${valid}`));
    await expectInvalidToken(await me(server, 'Bearer not-a-jwt'));
    await expectInvalidToken(await me(server, 'Bearer aaaa.bbbb.cccc'));
  });

  it('ignores a token put in the URL', async () => {
    const valid = await sign(claims());
    await expectInvalidToken(await me(server, undefined, `?token=${valid}`));
    await expectInvalidToken(await me(server, undefined, `?access_token=${valid}`));
  });

  const forgeries: [string, () => Promise<string>][] = [
    ['an unsigned token (alg none)', async () => new UnsecuredJWT(claims()).encode()],
    ['HS512 with the right secret', () => sign(claims(), 'HS512')],
    ['HS256 with another secret', () => sign(claims(), 'HS256', new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'))],
    ['a payload altered after signing', async () => {
      const [h, , s] = (await sign(claims())).split('.');
      return [h, Buffer.from(JSON.stringify(claims({ sub: '2' }))).toString('base64url'), s].join('.');
    }],
    ['expired 60 s ago (beyond the 30 s tolerance)', () => sign(claims({ iat: nowS() - 3600, exp: nowS() - 60 }))],
    ['not valid before a minute from now', () => sign(claims({ nbf: nowS() + 120 }))],
    ['without exp', () => sign(claims({ exp: undefined }))],
    ['without iat', () => sign(claims({ iat: undefined }))],
    ['without sub', () => sign(claims({ sub: undefined }))],
    ['with a non-decimal sub', () => sign(claims({ sub: 'alice' }))],
    ['with a numeric-looking but non-decimal sub', () => sign(claims({ sub: '0x1' }))],
    ['with sub as a JSON number', () => sign(claims({ sub: 1 }))],
    ['for another audience', () => sign(claims({ aud: 'another-app' }))],
    ['without audience', () => sign(claims({ aud: undefined }))],
    ['without perms', () => sign(claims({ perms: undefined }))],
    ['with perms that are not a list', () => sign(claims({ perms: 'chat.read' }))],
    ['issued an hour in the future', () => sign(claims({ iat: nowS() + 3600, exp: nowS() + 3900 }))],
    ['issued 40 s in the future (beyond the 30 s tolerance)', () => sign(claims({ iat: nowS() + 40 }))],
    ['of another type (typ at+jwt)', () => sign(claims(), 'HS256', secretKey, undefined, 'at+jwt')],
    ['of another type (typ JWS)', () => sign(claims(), 'HS256', secretKey, undefined, 'JWS')],
    ['living longer than an hour', () => sign(claims({ exp: nowS() + 3600 + 60 }))],
    ['living a year', () => sign(claims({ iat: nowS() - 60, exp: nowS() + 365 * 86400 }))],
    ['with a critical header parameter the server does not know', async () => handMade({ alg: 'HS256', crit: ['exp2'], exp2: 1 }, JSON.stringify(claims()))],
    ['with an unencoded payload (b64 false)', async () => handMade({ alg: 'HS256', b64: false, crit: ['b64'] }, JSON.stringify(claims()))],
    ['with a payload that is not JSON', async () => handMade({ alg: 'HS256' }, '{"sub": "1",')],
    ['with a payload that is a JSON list', async () => handMade({ alg: 'HS256' }, JSON.stringify([claims()]))],
    ['with exp as a string', async () => handMade({ alg: 'HS256' }, JSON.stringify(claims({ exp: String(nowS() + 600) })))],
    ['with a truncated signature', async () => (await sign(claims())).slice(0, -2)],
    ['with its signature cut off', async () => (await sign(claims())).replace(/[^.]+$/, '')],
    ['with a header that is not JSON', async () => `${Buffer.from('{alg').toString('base64url')}.${(await sign(claims())).split('.').slice(1).join('.')}`],
  ];
  it.each(forgeries)('refuses %s with 401 invalid_token', async (_, forge) => {
    await expectInvalidToken(await me(server, `Bearer ${await forge()}`));
  });

  it('takes an audience among several, and a key id', async () => {
    expect((await me(server, `Bearer ${await sign(claims({ aud: ['another-app', 'ipp-chat'] }))}`)).status).toBe(200);
    expect((await me(server, `Bearer ${await sign(claims(), 'HS256', secretKey, 'key-2026')}`)).status).toBe(200);
    expect((await me(server, `Bearer ${handMade({ alg: 'HS256' }, JSON.stringify(claims({ nbf: nowS() + 20 })))}`)).status).toBe(200);
  });

  it('tolerates 30 s of clock skew', async () => {
    const res = await me(server, `Bearer ${await sign(claims({ iat: nowS() - 3600, exp: nowS() - 10 }))}`);
    expect(res.status).toBe(200);
    expect((await me(server, `Bearer ${await sign(claims({ iat: nowS() + 20, exp: nowS() + 600 }))}`)).status).toBe(200);
  });

  it('takes a typ of JWT in any case, or none, and a lifetime of exactly an hour', async () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', null]) {
      expect((await me(server, `Bearer ${await sign(claims(), 'HS256', secretKey, undefined, typ)}`)).status, String(typ)).toBe(200);
    }
    expect((await me(server, `Bearer ${await sign(claims({ iat: nowS(), exp: nowS() + 3600 }))}`)).status).toBe(200);
  });

  it('answers 403 to a valid token of an inactive or unknown user', async () => {
    await expectProblem(await me(server, `Bearer ${await sign(claims({ sub: '5' }))}`), 403);
    await expectProblem(await me(server, `Bearer ${await sign(claims({ sub: '999' }))}`), 403);
    // …and Eve can do nothing else either.
    const eve = await server.as(5);
    await expectProblem(await eve.get('/rooms'), 403);
    await expectProblem(await eve.post('/rooms', { type: 'direct', userId: 1 }), 403);
  });

  it('takes the display name from the name claim, else from the users table', async () => {
    const named = await (await me(server, `Bearer ${await sign(claims({ sub: '2', name: 'Bruno D. (Compta)' }))}`)).json();
    expect(named.user).toEqual({ id: 2, name: 'Bruno D. (Compta)', email: 'bruno@ipp.test', online: false });
    // David has no full_name: his username stands in.
    const david = await (await me(server, `Bearer ${await sign(claims({ sub: '4' }))}`)).json();
    expect(david.user).toEqual({ id: 4, name: 'david', email: 'david@ipp.test', online: false });
  });

  it('shows only the known permissions the token grants', async () => {
    const body = await (await me(server, `Bearer ${await sign(claims({ perms: ['chat.read', 'chat.root', 'admin'] }))}`)).json();
    expect(body.perms).toEqual(['chat.read']);
  });
});

describe.each(DIALECTS)('a configured issuer on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(dialect, { CHAT_JWT_ISSUER: 'https://ipp.example' }); });
  afterAll(() => server?.close());

  it('accepts the issuer and refuses any other or none', async () => {
    expect((await me(server, `Bearer ${await sign(claims({ iss: 'https://ipp.example' }))}`)).status).toBe(200);
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims({ iss: 'https://evil.example' }))}`));
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims())}`));
  });
});

describe.each(DIALECTS.flatMap((d) => (['RS256', 'ES256', 'EdDSA'] as const).map((alg) => [d, alg] as const)))('a public key on %s (%s)', (dialect, alg) => {
  let server: TestServer;
  let privateKey: CryptoKey;
  let pem: string;
  beforeAll(async () => {
    const pair = await generateKeyPair(alg, { extractable: true });
    privateKey = pair.privateKey;
    pem = await exportSPKI(pair.publicKey);
    server = await startServer(dialect, { CHAT_JWT_SECRET: '', CHAT_JWT_PUBLIC_KEY: pem });
  });
  afterAll(() => server?.close());

  it('accepts a token signed by the matching private key', async () => {
    const res = await me(server, `Bearer ${await sign(claims(), alg, privateKey)}`);
    expect(res.status).toBe(200);
    expect((await res.json()).user.id).toBe(1);
  });

  it('refuses HS256 tokens, whether signed with the PEM text (key confusion) or an old secret', async () => {
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims(), 'HS256', new TextEncoder().encode(pem))}`));
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims())}`));
  });

  it('refuses a token signed by another key pair', async () => {
    const other = await generateKeyPair(alg);
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims(), alg, other.privateKey)}`));
  });
});

describe.each(DIALECTS)('a JWKS URL on %s', (dialect) => {
  let server: TestServer;
  let jwks: Server;
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const body = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'host-2026', alg: 'ES256', use: 'sig' }] });
    jwks = createServer((_, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }).end(body); });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    server = await startServer(dialect, { CHAT_JWT_SECRET: '', CHAT_JWKS_URL: url });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('accepts a token signed by a published key', async () => {
    expect((await me(server, `Bearer ${await sign(claims(), 'ES256', privateKey, 'host-2026')}`)).status).toBe(200);
  });

  it('refuses an unknown key id, another key under the published id, and HS256', async () => {
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims(), 'ES256', privateKey, 'host-1999')}`));
    const other = await generateKeyPair('ES256');
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims(), 'ES256', other.privateKey, 'host-2026')}`));
    await expectInvalidToken(await me(server, `Bearer ${await sign(claims(), 'HS256', secretKey, 'host-2026')}`));
  });
});

describe.each(DIALECTS)('permissions on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let directId: number;
  let messageId: number;
  const without = async (perm: string) => clientFor(server.app, await sign(claims({ sub: '1', perms: ALL_PERMS.filter((p) => p !== perm) })));

  beforeAll(async () => {
    server = await startServer(dialect);
    alice = await server.as(1);
    directId = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
    messageId = (await (await alice.post(`/rooms/${directId}/messages`, { content: 'Premier message', clientId: 'perm-1' })).json()).id;
  });
  afterAll(() => server?.close());

  it('needs chat.read to list rooms, channels, members and messages, or to search', async () => {
    const noRead = await without('chat.read');
    for (const path of ['/rooms', '/channels', `/rooms/${directId}`, `/rooms/${directId}/messages`, '/search?q=premier']) {
      await expectProblem(await noRead.get(path), 403);
      expect((await alice.get(path)).status, path).toBe(200);
    }
  });

  it('needs chat.create to send a message or open a direct conversation', async () => {
    const noCreate = await without('chat.create');
    await expectProblem(await noCreate.post(`/rooms/${directId}/messages`, { content: 'Refusé', clientId: 'perm-2' }), 403);
    await expectProblem(await noCreate.post('/rooms', { type: 'direct', userId: 3 }), 403);
    const rooms = await (await alice.get('/rooms')).json();
    expect(rooms.map((r: { id: number }) => r.id)).toEqual([directId]);
    expect((await (await alice.get(`/rooms/${directId}/messages`)).json()).messages.map((m: { content: string }) => m.content)).toEqual(['Premier message']);
  });

  it('needs chat.manage_rooms to create a group or a channel', async () => {
    const noManage = await without('chat.manage_rooms');
    await expectProblem(await noManage.post('/rooms', { type: 'group', name: 'Compta', memberIds: [2] }), 403);
    await expectProblem(await noManage.post('/rooms', { type: 'channel', name: 'Annonces', memberIds: [] }), 403);
    expect((await (await alice.get('/rooms?filter=group')).json())).toEqual([]);
    // A direct conversation needs no room management.
    expect((await noManage.post('/rooms', { type: 'direct', userId: 2 })).status).toBe(200);
  });

  it('needs chat.update to edit my own message', async () => {
    await expectProblem(await (await without('chat.update')).patch(`/messages/${messageId}`, { content: 'Modifié' }), 403);
    const page = await (await alice.get(`/rooms/${directId}/messages`)).json();
    expect(page.messages[0]).toMatchObject({ id: messageId, content: 'Premier message', editedAt: null });
    expect((await alice.patch(`/messages/${messageId}`, { content: 'Premier message (corrigé)' })).status).toBe(200);
  });

  it('needs chat.delete to delete my own message', async () => {
    await expectProblem(await (await without('chat.delete')).delete(`/messages/${messageId}`), 403);
    const page = await (await alice.get(`/rooms/${directId}/messages`)).json();
    expect(page.messages[0]).toMatchObject({ id: messageId, content: 'Premier message (corrigé)', deletedAt: null });
    expect((await alice.delete(`/messages/${messageId}`)).status).toBe(200);
  });
});

describe('the token verifier', () => {
  it.each(['secret', 'pem'] as const)('keeps a verified token (%s key) no longer than it is valid', async (kind) => {
    const { createVerifier } = await import('../../server/auth');
    const pair = await generateKeyPair('ES256');
    const verify = kind === 'secret'
      ? await createVerifier({ kind: 'secret', secret: SECRET }, { audience: 'ipp-chat' })
      : await createVerifier({ kind: 'pem', pem: await exportSPKI(pair.publicKey), alg: 'ES256' }, { audience: 'ipp-chat' });
    const start = Date.now();
    const token = await new SignJWT({ perms: ['chat.read'] }).setProtectedHeader({ alg: kind === 'secret' ? 'HS256' : 'ES256' }).setSubject('1')
      .setAudience('ipp-chat').setIssuedAt(Math.floor(start / 1000)).setExpirationTime(Math.floor(start / 1000) + 5)
      .sign(kind === 'secret' ? new TextEncoder().encode(SECRET) : pair.privateKey);
    expect((await verify(token)).sub).toBe('1');
    expect((await verify(token)).sub).toBe('1');
    vi.useFakeTimers({ now: start + 36_000, toFake: ['Date'] });
    try {
      await expect(verify(token)).rejects.toMatchObject({ status: 401, detail: 'The token has expired.' });
    } finally {
      vi.useRealTimers();
    }
  });
});
