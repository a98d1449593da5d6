import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import mysql from 'mysql2/promise';
import { migrateDb } from '../server/storage';

/*
 * Throw-away databases for tests and benchmarks: each is made on demand, with
 * the host's users table and the chat migrations, and dropped after.
 */

/**
 * The MySQL/MariaDB server where test databases are made (and dropped): TEST_MYSQL_URL, read when one is made
 * (`mysql://root@localhost?socketPath=/run/mysqld/mysqld.sock` reaches it by its Unix socket).
 */
export const mysqlRoot = () => process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

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
export const HIGH_LIMITS = { CHAT_RATE_MESSAGES: '100000', CHAT_RATE_UPLOADS: '100000', CHAT_MAX_STREAMS: '100000', CHAT_RATE_EXPORTS: '100000' };

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
    // The database's name goes in the path; options (?socketPath=…) stay where they are.
    const at = new URL(mysqlRoot());
    at.pathname = `/${name}`;
    const url = at.toString();
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
