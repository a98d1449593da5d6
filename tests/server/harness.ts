import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { parseEnv, type Config } from '../../server/env';
import { problemStatus } from '../../server/services/errors';
import { openDb, type Db } from '../../server/storage';
import { createTestDb, HIGH_LIMITS, type Dialect, type TestDb } from '../../testkit/db';
import { answerOf, responseChecker } from '../../testkit/openapi';
import { ALL_PERMS, mint, SECRET } from '../../testkit/tokens';

// The shared kit, for the test files that import it from here.
export * from '../../testkit/db';
export * from '../../testkit/tokens';


/** A BFF on a fresh database, driven in-process through app.request. */
export interface TestServer {
  db: Db;
  testDb: TestDb;
  config: Config;
  app: ReturnType<typeof createApp>;
  /** A client calling the API as a user (a token with all permissions unless perms are given). */
  as(userId: number, perms?: string[]): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  token: string;
  /** A raw call; `form` sends multipart/form-data instead of JSON. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>, form?: FormData): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
  patch(path: string, body?: unknown): Promise<Response>;
  delete(path: string): Promise<Response>;
}

export async function startServer(dialect: Dialect, env: Record<string, string> = {}): Promise<TestServer> {
  const testDb = await createTestDb(dialect);
  const config = parseEnv({
    DATABASE_URL: testDb.url, CHAT_JWT_SECRET: SECRET, UPLOAD_DIR: mkdtempSync(join(tmpdir(), 'ippchat-up-')), ...HIGH_LIMITS, ...env,
  });
  const db = await openDb(config.DATABASE_URL, { usersTable: config.USERS_TABLE, nameColumns: config.USERS_NAME_COLUMNS });
  const verify = await createVerifier(config.jwtKey, { issuer: config.CHAT_JWT_ISSUER, audience: config.CHAT_JWT_AUDIENCE });
  const app = createApp({ config, db, verify });
  return {
    db, testDb, config, app,
    async as(userId, perms = ALL_PERMS) {
      return clientFor(app, await mint({ sub: String(userId), perms }));
    },
    async close() {
      await db.close();
      await testDb.drop();
      rmSync(config.UPLOAD_DIR, { recursive: true, force: true });
    },
  };
}

type InProcess = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

const checkers = new WeakMap<InProcess, Promise<ReturnType<typeof responseChecker>>>();
/** The checker of an app's answers against the document it serves (read once per app). */
export function checkerOf(app: InProcess) {
  let checker = checkers.get(app);
  if (!checker) checkers.set(app, (checker = Promise.resolve(app.request('/api/chat/openapi.json')).then((r) => r.json()).then(responseChecker)));
  return checker;
}

/**
 * Fails the test when an answer is not what GET /openapi.json documents (its
 * status, media type, body or headers): every request of the server tests'
 * clients goes through here, so the document cannot drift from the server.
 */
export async function expectDocumented(app: InProcess, method: string, path: string, res: Response): Promise<Response> {
  const problems = (await checkerOf(app)).check(await answerOf(method, path, res));
  if (problems?.length) throw new Error(`The answer is not what /api/chat/openapi.json documents:\n${problems.join('\n')}`);
  return res;
}

/** A client sending this token to the app in-process. */
export function clientFor(app: InProcess, token: string): Client {
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, form?: FormData) =>
    expectDocumented(app, method, `/api/chat${path}`, await app.request(`/api/chat${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: form ?? (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)),
    }));
  return {
    token, request,
    get: (p) => request('GET', p), post: (p, b) => request('POST', p, b ?? {}),
    patch: (p, b) => request('PATCH', p, b), delete: (p) => request('DELETE', p),
  };
}

/** Asserts an RFC 9457 problem+json answer with one of the given statuses, and returns its body. */
export async function expectProblem(res: Response, ...statuses: number[]) {
  const body = await res.json();
  expect(statuses, `status ${res.status}: ${JSON.stringify(body)}`).toContain(res.status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const code = Object.entries(problemStatus).find(([, s]) => s === res.status)?.[0];
  expect(body).toMatchObject({ type: `urn:ipp-chat:problem:${code}`, code, title: expect.any(String), status: res.status, detail: expect.any(String) });
  expect(body.detail.length).toBeGreaterThan(0);
  return body as { type: string; code: string; title: string; status: number; detail: string; reason?: string } & Record<string, unknown>;
}
