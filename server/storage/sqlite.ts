import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client, type InArgs } from '@libsql/client';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import * as sqliteSchema from '../../drizzle/sqlite';
import { someCause, type Db, type LockedRow, type OpenOptions, type Tables } from './db';
import { migrationsFolder } from '../paths';
import { describeUsersTable, userLookup, type UserLookup, type UserRow, type UsersTable } from './users';


// Same table and column names as the MySQL declarations; Drizzle builds the
// SQL from the objects it is given, so at run time these are SQLite tables.
const t = sqliteSchema as unknown as Tables;

/** `sqlite:PATH` → an absolute file path, its folder created. */
export function sqlitePath(url: string): string {
  const path = sqliteFile(url);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** The absolute path of the file a sqlite: URL names (sqlite:x.db, sqlite://x.db). */
export const sqliteFile = (url: string) => resolve(url.replace(/^sqlite:(\/\/)?/, ''));

/** One connection (concurrency 1), so its PRAGMAs hold for every statement. */
async function connect(path: string): Promise<Client> {
  const client = createClient({ url: `file:${path}`, concurrency: 1 });
  await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA foreign_keys = ON');
  await client.execute('PRAGMA busy_timeout = 5000');
  await client.execute('PRAGMA synchronous = NORMAL');
  return client;
}

/** Applies the Drizzle migrations to a SQLite file. */
export async function migrateSqlite(url: string): Promise<void> {
  const client = await connect(sqlitePath(url));
  try {
    await migrate(drizzle({ client }), { migrationsFolder: migrationsFolder('sqlite') });
  } finally {
    client.close();
  }
}

/**
 * The SQLite adapter of the storage port. SQLite has one writer at a time,
 * so transactions take turns on a writer connection (a promise queue rather
 * than busy-waiting, which would block the event loop), while reads use
 * their own connection and, with WAL, never see uncommitted writes.
 */
export async function openSqlite(url: string, opts: OpenOptions): Promise<Db> {
  const path = sqlitePath(url);
  const reader = await connect(path);
  const writer = await connect(path);
  const cols = await reader.execute({ sql: 'SELECT name FROM pragma_table_info(?)', args: [opts.usersTable] });
  let users: UsersTable;
  try {
    users = describeUsersTable(opts.usersTable, opts.nameColumns, cols.rows.map((r) => String(r.name)));
  } catch (err) {
    reader.close();
    writer.close();
    throw err;
  }
  // One lookup for both connections: the users table is the host's, read (on the reader) and never written here.
  const lookup = userLookup(users, async (text, params) => (await reader.execute({ sql: text, args: params as InArgs })).rows as unknown as UserRow[], 'sqlite');
  let queue: Promise<unknown> = Promise.resolve();
  const writerOrm = drizzle({ client: writer, schema: sqliteSchema });
  const readerDb: Db = bind(drizzle({ client: reader, schema: sqliteSchema }), lookup, path, {
    transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R> {
      const run = queue.then(async () => {
        // foreign_keys cannot change inside a transaction and is per connection:
        // set it on the writer's one connection each time, in case it was replaced.
        await writer.execute('PRAGMA foreign_keys = ON');
        return writerOrm.transaction((tx) => {
          const txDb: Db = bind(tx as unknown as LibSQLDatabase<typeof sqliteSchema>, lookup, path, { transaction: (inner) => inner(txDb) });
          return fn(txDb);
        }, { behavior: 'immediate' });
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      await queue;
      reader.close();
      writer.close();
    },
  });
  return readerDb;
}

function bind(lite: LibSQLDatabase<typeof sqliteSchema>, users: UserLookup, path: string, own: Partial<Db>): Db {
  const rows = async <R>(query: SQL) => (await lite.all(query)) as R[];
  const exists = async ({ table, id }: LockedRow) =>
    (await lite.all(sql`SELECT 1 FROM ${table} WHERE ${table.id} = ${id}`)).length > 0;
  const db: Db = {
    dialect: 'sqlite',
    orm: lite as unknown as MySql2Database<Tables>,
    t,
    name: path,
    users,
    async insert<T extends MySqlTable>(table: T, values: T['$inferInsert']) {
      const tbl = table as never as typeof sqliteSchema.rooms;
      const [row] = await lite.insert(tbl).values(values as never).returning({ id: tbl.id });
      return row.id;
    },
    async insertIgnore<T extends MySqlTable>(table: T, values: T['$inferInsert'][]) {
      if (!values.length) return 0;
      const result = await lite.insert(table as never as typeof sqliteSchema.rooms).values(values as never).onConflictDoNothing();
      return Number((result as unknown as { rowsAffected?: number }).rowsAffected ?? 0);
    },
    async upsert(table, values, target, set) {
      await lite.insert(table as never as typeof sqliteSchema.rooms).values(values as never).onConflictDoUpdate({ target: target as never, set: set as never });
    },
    rows,
    affected: (result) => Number((result as { rowsAffected?: number }).rowsAffected ?? 0),
    transaction: own.transaction!,
    // Every write already holds the writer: locking a row only checks that it exists.
    lockRoom: (roomId) => exists({ table: t.rooms, id: roomId }),
    async insertLocked(table, values, lock) {
      return (await exists(lock)) ? db.insert(table, values) : null;
    },
    async insertAllLocked<T extends MySqlTable>(table: T, rows: T['$inferInsert'][], lock: LockedRow) {
      if (!(await exists(lock))) return null;
      if (!rows.length) return [];
      const tbl = table as never as typeof sqliteSchema.rooms;
      const inserted = await lite.insert(tbl).values(rows as never).returning({ id: tbl.id });
      // RETURNING's order is unspecified; the rows' ids grow in the order they were inserted.
      return inserted.map((r) => r.id).sort((a, b) => a - b);
    },
    matchContent(words) {
      const query = words.map((w) => `"${w}"*`).join(' ');
      return sql`${t.messages.id} IN (SELECT rowid FROM chat_messages_fts WHERE chat_messages_fts MATCH ${query})`;
    },
    isUniqueViolation: (err) => someCause(err, (e) => typeof e.message === 'string' && e.message.includes('UNIQUE constraint failed')),
    async ping() { await lite.all(sql`SELECT 1`); },
    close: own.close ?? (async () => {}),
  };
  return db;
}
