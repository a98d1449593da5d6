import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { SignJWT } from 'jose';
import { expect } from 'vitest';
import mysql from 'mysql2/promise';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { parseEnv, type Config } from '../../server/env';
import { problemStatus } from '../../server/services/errors';
import { migrateDb, openDb, type Db } from '../../server/storage';

/** The MySQL/MariaDB server where test databases are made (and dropped): TEST_MYSQL_URL, read when one is made. */
export const mysqlRoot = () => process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const SECRET = 'test-secret-of-at-least-32-bytes-long!!';
export const ALL_PERMS = ['chat.read', 'chat.create', 'chat.update', 'chat.delete', 'chat.manage_rooms'];

/** The host's users table, as Import Profit Pro has it (BIGINT UNSIGNED ids). */
export const USERS_DDL = {
  mysql: `CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(80) NOT NULL, full_name VARCHAR(120) NULL, email VARCHAR(120) NULL,
    is_active TINYINT(1) NOT NULL DEFAULT 1
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  sqlite: `CREATE TABLE users (
    id INTEGER PRIMARY KEY, username VARCHAR(80) NOT NULL, full_name VARCHAR(120), email VARCHAR(120),
    is_active BOOLEAN NOT NULL DEFAULT 1
  )`,
};

export interface TestUser { id: number; username: string; full_name: string | null; email: string | null; is_active: number }

/** Alice, Bruno, Chloé and David are active; Eve (5) is not. */
export const USERS: TestUser[] = [
  { id: 1, username: 'alice', full_name: 'Alice Martin', email: 'alice@ipp.test', is_active: 1 },
  { id: 2, username: 'bruno', full_name: 'Bruno Durand', email: 'bruno@ipp.test', is_active: 1 },
  { id: 3, username: 'chloe', full_name: 'Chloé Bernard', email: 'chloe@ipp.test', is_active: 1 },
  { id: 4, username: 'david', full_name: null, email: 'david@ipp.test', is_active: 1 },
  { id: 5, username: 'eve', full_name: 'Eve Inactive', email: 'eve@ipp.test', is_active: 0 },
];

/** Rate limits far above what any test does, for the servers of tests that are not about them (limits.test.ts is). */
export const HIGH_LIMITS = { CHAT_RATE_MESSAGES: '100000', CHAT_RATE_UPLOADS: '100000', CHAT_MAX_STREAMS: '100000' };

export type Dialect = 'mysql' | 'sqlite';
export const DIALECTS: Dialect[] = ['mysql', 'sqlite'];

/** A fresh database of one dialect, with the host's users table and the chat migrations. */
export interface TestDb {
  dialect: Dialect;
  url: string;
  /** Runs raw SQL on the database (for setup and for looking behind the API). */
  exec(sql: string, args?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** Options of createTestDb: `usersTable: false` leaves the host's table out, `migrate: false` the chat tables. */
export interface TestDbOptions { usersTable?: boolean; migrate?: boolean }

export async function createTestDb(dialect: Dialect, users: TestUser[] = USERS, opts: TestDbOptions = {}): Promise<TestDb> {
  const { usersTable = true, migrate = true } = opts;
  const name = `ippchat_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (dialect === 'mysql') {
    const root = await mysql.createConnection({ uri: mysqlRoot() });
    await root.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await root.end();
    const url = `${mysqlRoot()}/${name}`;
    const conn = await mysql.createConnection({ uri: url });
    if (usersTable) {
      await conn.query(USERS_DDL.mysql);
      for (const u of users) await conn.query('INSERT INTO users SET ?', [u]);
    }
    if (migrate) await migrateDb(url);
    return {
      dialect, url,
      async exec(sql, args = []) { const [rows] = await conn.query(sql, args); return rows as Record<string, unknown>[]; },
      async drop() {
        await conn.query(`DROP DATABASE ${name}`);
        await conn.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ippchat-'));
  const url = `sqlite:${join(dir, 'chat.sqlite')}`;
  const client = createClient({ url: `file:${join(dir, 'chat.sqlite')}` });
  if (usersTable) {
    await client.execute(USERS_DDL.sqlite);
    for (const u of users) {
      await client.execute({ sql: 'INSERT INTO users (id, username, full_name, email, is_active) VALUES (?, ?, ?, ?, ?)', args: [u.id, u.username, u.full_name, u.email, u.is_active] });
    }
  }
  if (migrate) await migrateDb(url);
  return {
    dialect, url,
    async exec(sql, args = []) { return (await client.execute({ sql, args: args as never })).rows as unknown as Record<string, unknown>[]; },
    async drop() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

/** A client sending this token to the app in-process. */
export function clientFor(app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, token: string): Client {
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, form?: FormData) =>
    app.request(`/api/chat${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: form ?? (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)),
    });
  return {
    token, request,
    get: (p) => request('GET', p), post: (p, b) => request('POST', p, b ?? {}),
    patch: (p, b) => request('PATCH', p, b), delete: (p) => request('DELETE', p),
  };
}

/** Signs a token like the host app does (HS256 with the shared secret unless told otherwise). */
export function mint(claims: Record<string, unknown>, opts: { secret?: string; expiresIn?: string | number | null } = {}) {
  const jwt = new SignJWT({ perms: ALL_PERMS, ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setAudience('ipp-chat');
  if (opts.expiresIn !== null) jwt.setExpirationTime(opts.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
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
