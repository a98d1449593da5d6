import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePicture } from '../../demo/files';
import { parseEnv } from '../../server/env';
import { createLogger } from '../../server/log';
import { listen, type RunningServer } from '../../testkit/chromium';
import { createTestDb, HIGH_LIMITS, mint, SECRET, type TestDb } from './harness';
import { openEvents } from './sse-client';

/*
 * What an operator reads: one JSON access line per request (never a token, a
 * cookie or a message), errors with their stack in the log and not in the
 * answer, and the Prometheus metrics behind METRICS_TOKEN. Real HTTP servers
 * booted like `npm start`, their log lines collected.
 */

type Line = Record<string, any>;

/** A logger whose JSON lines are kept, in order, as text and parsed. */
function collector(level = 'info') {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (s: string) => { raw.push(s); } } });
  const lines = () => raw.flatMap((s) => s.split('\n')).filter(Boolean).map((s) => JSON.parse(s) as Line);
  return { raw, lines, logger, requests: () => lines().filter((l) => l.msg === 'request') };
}

/** Waits for `find` to return something (a log line is written once the response has left). */
async function eventually<T>(find: () => T | undefined | Promise<T | undefined>, timeout = 5000): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    let error: unknown;
    try {
      const found = await find();
      if (found !== undefined) return found;
    } catch (err) {
      error = err;
    }
    if (Date.now() > end) throw error ?? new Error('nothing found in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('logs and metrics of a server', () => {
  let testDb: TestDb;
  let server: RunningServer;
  let log: ReturnType<typeof collector>;
  let api: string;
  let token: string;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${api}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
  const metrics = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  /** The value of one sample of the exposition, e.g. `ippchat_feeds_open` or `…_total{reason="typing"}`. */
  const sample = (text: string, name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };

  beforeAll(async () => {
    testDb = await createTestDb('sqlite');
    log = collector();
    server = await listen({
      DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, METRICS_TOKEN, ...HIGH_LIMITS, LOG_LEVEL: 'info', CORS_ORIGINS: 'https://host.example',
      UPLOAD_DIR: `${testDb.url.slice('sqlite:'.length)}-uploads`,
    }, { logger: log.logger });
    api = `${server.url}/api/chat`;
    token = await mint({ sub: '1' });
  });
  afterAll(async () => {
    await server?.close();
    await testDb?.drop();
  });

  it('writes one access line per request: method, route pattern, status, ms, user id and the request id it answers', async () => {
    const res = await call('/rooms/424242?x=1');
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = await eventually(() => log.requests().find((l) => l.requestId === id));
    expect(line).toMatchObject({ level: 'info', method: 'GET', route: '/api/chat/rooms/:id', status: 404, userId: 1, ip: '127.0.0.1' });
    expect(line.ms).toEqual(expect.any(Number));
    expect(new Date(line.time).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // A request id given by the caller (a proxy, another service) is kept and answered; a strange one is replaced.
    const given = await call('/me', { headers: { 'X-Request-Id': 'edge-7f3a-0001' } });
    expect(given.headers.get('x-request-id')).toBe('edge-7f3a-0001');
    expect(await eventually(() => log.requests().find((l) => l.requestId === 'edge-7f3a-0001'))).toMatchObject({ route: '/api/chat/me', status: 200 });
    const odd = await call('/me', { headers: { 'X-Request-Id': 'two words' } });
    expect(odd.headers.get('x-request-id')).not.toBe('two words');

    // Refused before the route ran: still named by its route, with no user.
    const anonymous = await fetch(`${api}/rooms/7/messages`);
    expect(anonymous.status).toBe(401);
    const refused = await eventually(() => log.requests().find((l) => l.requestId === anonymous.headers.get('x-request-id')));
    expect(refused).toMatchObject({ route: '/api/chat/rooms/:id/messages', status: 401, userId: null });
    // No route at all.
    const nowhere = await fetch(`${server.url}/nowhere/at/all`);
    expect(await eventually(() => log.requests().find((l) => l.requestId === nowhere.headers.get('x-request-id')))).toMatchObject({ route: 'unmatched', status: 404 });
  });

  it('answers CORS headers to a cross-origin request only, and its id and security headers to every request, the feed too', async () => {
    const same = await call('/me');
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    expect(same.headers.get('access-control-expose-headers')).toBeNull();
    expect(same.headers.get('vary')).toMatch(/origin/i);
    expect(same.headers.get('x-content-type-options')).toBe('nosniff');
    expect(same.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await call('/rooms/424242');
    expect(failed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(failed.headers.get('vary')).toMatch(/origin/i);
    const cross = await call('/me', { headers: { Origin: 'https://host.example' } });
    expect(cross.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect(cross.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
    expect(cross.headers.get('vary')).toMatch(/origin/i);
    expect(cross.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const origin of [undefined, 'https://host.example']) {
      const ctrl = new AbortController();
      const feed = await call('/events', { headers: { 'X-Request-Id': 'feed-0001', ...(origin ? { Origin: origin } : {}) }, signal: ctrl.signal });
      expect(feed.status).toBe(200);
      expect(feed.headers.get('x-request-id')).toBe('feed-0001');
      expect(feed.headers.get('access-control-allow-origin')).toBe(origin ?? null);
      ctrl.abort();
    }
  });

  it('never logs a token, a cookie, a query or a message', async () => {
    const room = await (await call('/rooms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }) })).json();
    const secret = 'le code du coffre est 7391-pistache';
    const sent = await call(`/rooms/${room.id}/messages?access_token=query-secret-123`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: 'session=cookie-secret-456' },
      body: JSON.stringify({ content: secret, clientId: 'obs-1' }),
    });
    expect(sent.status).toBe(201);
    await call(`/search?q=${encodeURIComponent('coffre pistache')}`);
    await eventually(() => log.requests().find((l) => l.route === '/api/chat/search'));
    const text = log.raw.join('');
    for (const leak of [token, token.split('.')[2], 'cookie-secret-456', 'query-secret-123', 'pistache', '7391']) expect(text).not.toContain(leak);
  });

  it('logs a failure with its stack, and answers only a problem with the request id', async () => {
    const room = await (await call('/rooms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 3 }) })).json();
    // The outbox gone, a send fails inside its transaction, its text among the failed query's parameters.
    await testDb.exec('ALTER TABLE chat_events RENAME TO chat_events_away');
    try {
      const res = await call(`/rooms/${room.id}/messages`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'texte confidentiel 5512', clientId: 'obs-2' }),
      });
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(JSON.parse(body)).toMatchObject({ code: 'internal', status: 500 });
      expect(body).not.toMatch(/chat_events|\bat \S+ \(|\.ts:\d+/);
      const id = res.headers.get('x-request-id');
      const failure = await eventually(() => log.lines().find((l) => l.level === 'error' && l.requestId === id));
      expect(failure.err.stack).toMatch(/\n\s+at /);
      expect(failure.err.message).toMatch(/chat_events/);
      expect(log.raw.join('')).not.toContain('confidentiel');
    } finally {
      await testDb.exec('ALTER TABLE chat_events_away RENAME TO chat_events');
    }
  });

  it('writes the feed\'s line when the stream ends, with how long it was open', async () => {
    const stream = await openEvents(api, token);
    expect(stream.status).toBe(200);
    const id = stream.headers.get('x-request-id');
    await new Promise((r) => setTimeout(r, 300));
    expect(log.requests().find((l) => l.requestId === id)).toBeUndefined();
    stream.close();
    const line = await eventually(() => log.requests().find((l) => l.requestId === id));
    expect(line).toMatchObject({ route: '/api/chat/events', status: 200, userId: 1 });
    expect(line.ms).toBeGreaterThanOrEqual(300);
  });

  it('serves /metrics only to METRICS_TOKEN', async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer not-the-token' } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // The process's own, and every metric of the README, e-mail and webhook queues included.
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds',
      'ippchat_http_requests_total', 'ippchat_http_request_duration_seconds', 'ippchat_feeds_open', 'ippchat_events_delivered_total',
      'ippchat_event_delivery_seconds', 'ippchat_rate_limited_total', 'ippchat_uploaded_files_total', 'ippchat_uploaded_bytes_total',
      'ippchat_db_errors_total', 'ippchat_db_up', 'ippchat_redis_errors_total', 'ippchat_email_queue_length', 'ippchat_emails_total',
      'ippchat_webhook_queue_length', 'ippchat_webhooks_total']) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'ippchat_db_up')).toBe(1);
    expect(sample(text, 'ippchat_http_requests_total{method="GET",route="/api/chat/rooms/:id",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ippchat_http_request_duration_seconds_count{method="GET",route="/api/chat/me",status="200"}')).toBeGreaterThanOrEqual(2);
    // No Redis configured: no Redis state.
    expect(text).not.toMatch(/^ippchat_redis_up /m);
  });

  it('counts open feeds, events delivered and their latency, refusals and uploads', async () => {
    const bruno = await mint({ sub: '2' });
    const room = await (await call('/rooms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'direct', userId: 2 }) })).json();
    const before = await metrics();
    const feeds = [await openEvents(api, bruno), await openEvents(api, bruno)];
    try {
      expect(sample(await metrics(), 'ippchat_feeds_open')).toBe(2);
      await call(`/rooms/${room.id}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'compté', clientId: 'obs-3' }) });
      await Promise.all(feeds.map((f) => f.waitFor((e) => e.event === 'message.created')));
      const after = await metrics();
      expect(sample(after, 'ippchat_events_delivered_total')! - sample(before, 'ippchat_events_delivered_total')!).toBe(2);
      expect(sample(after, 'ippchat_event_delivery_seconds_count')! - sample(before, 'ippchat_event_delivery_seconds_count')!).toBe(1);
      expect(sample(after, 'ippchat_event_delivery_seconds_bucket{le="+Inf"}')).toBeGreaterThanOrEqual(1);
    } finally {
      for (const f of feeds) f.close();
    }
    await eventually(async () => (sample(await metrics(), 'ippchat_feeds_open') === 0 ? true : undefined));

    // Typing twice in a second: the second is refused.
    expect((await call(`/rooms/${room.id}/typing`, { method: 'POST' })).status).toBe(204);
    expect((await call(`/rooms/${room.id}/typing`, { method: 'POST' })).status).toBe(429);

    const picture = await makePicture();
    const form = new FormData();
    form.append('clientId', 'obs-4');
    form.append('files', new Blob([new Uint8Array(picture)], { type: 'image/png' }), 'quai.png');
    expect((await call(`/rooms/${room.id}/messages`, { method: 'POST', body: form })).status).toBe(201);

    const text = await metrics();
    expect(sample(text, 'ippchat_rate_limited_total{reason="typing"}')).toBe(1);
    expect(sample(text, 'ippchat_uploaded_files_total')).toBe(1);
    expect(sample(text, 'ippchat_uploaded_bytes_total')).toBe(picture.length);
    expect(sample(text, 'ippchat_http_requests_total{method="POST",route="/api/chat/rooms/:id/typing",status="429"}')).toBe(1);
  });
});

describe('logs and metrics settings', () => {
  let testDb: TestDb;
  beforeAll(async () => { testDb = await createTestDb('mysql'); });
  afterAll(() => testDb?.drop());
  const env = (more: Record<string, string>) => ({ DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, ...more });

  it('has no /metrics without METRICS_TOKEN, and writes no access line at LOG_LEVEL=warn', async () => {
    const log = collector('warn');
    const server = await listen(env({ LOG_LEVEL: 'warn' }), { logger: log.logger });
    try {
      const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer anything' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await fetch(`${server.url}/api/chat/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
    expect(log.requests()).toEqual([]);
  });

  it('believes X-Forwarded-For only from a proxy listed in TRUST_PROXY', async () => {
    for (const [trust, expected] of [[undefined, '127.0.0.1'], ['10.1.2.3', '127.0.0.1'], ['loopback', '203.0.113.7']] as const) {
      const log = collector();
      const server = await listen(env(trust ? { TRUST_PROXY: trust, LOG_LEVEL: 'info' } : { LOG_LEVEL: 'info' }), { logger: log.logger });
      try {
        await fetch(`${server.url}/api/chat/health`, { headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' } });
        expect((await eventually(() => log.requests()[0])).ip, `TRUST_PROXY=${trust}`).toBe(expected);
      } finally {
        await server.close();
      }
    }
  });

  it('reports Redis state when REDIS_URL is set', async () => {
    const server = await listen(env({ REDIS_URL: 'redis://127.0.0.1:6379', METRICS_TOKEN }));
    try {
      const scrape = async () => (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      const text = await eventually(async () => { const t = await scrape(); return /^ippchat_redis_up 1$/m.test(t) ? t : undefined; });
      expect(text).toMatch(/^ippchat_db_up 1$/m);
    } finally {
      await server.close();
    }
  });

  it('refuses a TRUST_PROXY or LOG_LEVEL it cannot use, in one line', () => {
    expect(() => parseEnv(env({ TRUST_PROXY: 'my-proxy' }))).toThrow(/^invalid configuration: TRUST_PROXY [^\n]+$/);
    expect(() => parseEnv(env({ LOG_LEVEL: 'loud' }))).toThrow(/^invalid configuration: LOG_LEVEL [^\n]+$/);
    expect(parseEnv(env({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' })).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8']);
  });
});
