import { and, getTableColumns, getTableName, like, sql, type SQL } from 'drizzle-orm';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import { migrate } from 'drizzle-orm/mysql2/migrator';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import mysql from 'mysql2/promise';
import { someCause, tables as t, type Db, type LockedRow, type OpenOptions, type Tables } from './db';
import { migrationsFolder } from '../paths';
import { describeUsersTable, userLookup, type UserLookup, type UserRow } from './users';

/** InnoDB's default full-text stopwords of 3+ letters (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD). */
const INNODB_STOPWORDS = new Set(['about', 'are', 'com', 'for', 'from', 'how', 'that', 'the', 'this', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'und', 'www']);

/** Opens a pool on a mysql:// URL, every session in UTC. */
export function createMysqlPool(url: string) {
  // trace: false — mysql2 would otherwise capture a stack trace for every query (a few % of a send's CPU);
  // Drizzle's errors name the failed query anyway.
  const pool = mysql.createPool({ uri: url, timezone: 'Z', charset: 'utf8mb4_unicode_ci', connectionLimit: 20, trace: false });
  // CURRENT_TIMESTAMP defaults must be UTC like the times the BFF writes.
  pool.on('connection', (conn) => { conn.query("SET time_zone = '+00:00'"); });
  return pool;
}

/** Applies the Drizzle migrations to a MySQL/MariaDB database. */
export async function migrateMysql(url: string): Promise<void> {
  const pool = createMysqlPool(url);
  try {
    await requireUsersTable(pool);
    await migrate(drizzle({ client: pool }), { migrationsFolder: migrationsFolder('mysql') });
  } finally {
    await pool.end();
  }
}

/**
 * The chat tables' foreign keys reference the host's users(id), BIGINT UNSIGNED.
 * Checked first: MySQL DDL is not transactional, so a migration failing on a
 * foreign key would leave half the tables behind and an obscure errno 150.
 */
async function requireUsersTable(pool: mysql.Pool): Promise<void> {
  const [rows] = await pool.query(
    "SELECT COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' AND COLUMN_NAME = 'id'",
  );
  const type = (rows as { type: string }[])[0]?.type;
  if (!type) throw new Error("the host's users table (with its id column) was not found in the database: the chat tables reference users(id), create the host application's tables first");
  if (!/^bigint(\(\d+\))? unsigned$/i.test(type)) throw new Error(`users.id is ${type}, but the chat tables reference it as BIGINT UNSIGNED`);
}

/** The text of each shape of locked insert, around its parameters: written once, as a tagged template's strings. */
const lockedInserts = new Map<string, TemplateStringsArray>();

/**
 * `INSERT INTO table (columns) SELECT ? … FROM lock WHERE lock.id = ? FOR UPDATE`, the rows in their order
 * (numbered, as a derived table, when there are several). Composing it with the query builder for every
 * insert cost more CPU than running it; only the schema's own names are written in, quoted.
 */
function lockedInsert(table: string, names: string[], rows: number, lock: string, lockId: string): TemplateStringsArray {
  const key = `${table}(${names.join()})${rows}${lock}.${lockId}`;
  let text = lockedInserts.get(key);
  if (!text) {
    const q = (name: string) => `\`${name.replaceAll('`', '``')}\``;
    const list = (each: (i: number) => string) => names.map((_, i) => each(i)).join(', ');
    const c = (i: number) => q(`c_${i}`);
    const into = `INSERT INTO ${q(table)} (${list((i) => q(names[i]))})`;
    const where = `${q(lock)} WHERE ${q(lock)}.${q(lockId)} = ?`;
    const numbered = Array.from({ length: rows }, (_, r) => `SELECT ${r} AS ${q('n_')}, ${list((i) => `? AS ${c(i)}`)}`);
    const sqlText = rows === 1
      ? `${into} SELECT ${list(() => '?')} FROM ${where} FOR UPDATE`
      : `${into} SELECT ${list((i) => `v.${c(i)}`)} FROM (${numbered.join(' UNION ALL ')}) v, ${where} ORDER BY v.${q('n_')} FOR UPDATE`;
    // The strings between the parameters (the schema's names hold no '?').
    const parts = sqlText.split('?');
    text = Object.assign(parts, { raw: parts }) as unknown as TemplateStringsArray;
    lockedInserts.set(key, text);
  }
  return text;
}

/** The MySQL/MariaDB adapter of the storage port. */
export async function openMysql(url: string, opts: OpenOptions): Promise<Db> {
  const pool = createMysqlPool(url);
  const orm = drizzle({ client: pool, schema: t, mode: 'default', ...(opts.logQuery ? { logger: { logQuery: opts.logQuery } } : {}) });
  try {
    const [cols] = await pool.query(
      'SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [opts.usersTable],
    );
    const users = describeUsersTable(opts.usersTable, opts.nameColumns, (cols as { name: string }[]).map((c) => c.name));
    // One lookup for the pool and its transactions (the users table is the host's, read and never written here),
    // its statements logged like Drizzle's.
    const lookup = userLookup(users, async (text, params) => {
      opts.logQuery?.(text, params);
      return (await pool.query(text, params))[0] as UserRow[];
    }, 'mysql');
    return bind(orm, lookup, pool, new URL(url).pathname.slice(1));
  } catch (err) {
    await pool.end();
    throw err;
  }
}

function bind(orm: MySql2Database<Tables>, users: UserLookup, pool: mysql.Pool, name: string): Db {
  const rows = async <R>(query: SQL) => ((await orm.execute(query)) as unknown as [R[]])[0];
  const db: Db = {
    dialect: 'mysql',
    name,
    orm,
    t,
    users,
    async insert<T extends MySqlTable>(table: T, values: T['$inferInsert']) {
      const [header] = (await orm.insert(table).values(values)) as unknown as [{ insertId: number }];
      return Number(header.insertId);
    },
    async insertIgnore<T extends MySqlTable>(table: T, values: T['$inferInsert'][]) {
      if (!values.length) return 0;
      const [header] = (await orm.insert(table).ignore().values(values)) as unknown as [{ affectedRows: number }];
      return Number(header.affectedRows);
    },
    async upsert(table, values, _target, set) {
      await orm.insert(table).values(values).onDuplicateKeyUpdate({ set });
    },
    rows,
    affected: (result) => Number((result as [{ affectedRows?: number }])[0]?.affectedRows ?? 0),
    transaction: (fn) => orm.transaction((tx) => fn(bind(tx as unknown as MySql2Database<Tables>, users, pool, name))),
    async lockRoom(roomId) {
      const rows = await orm.select({ id: t.rooms.id }).from(t.rooms).where(sql`${t.rooms.id} = ${roomId}`).for('update');
      return rows.length > 0;
    },
    async insertLocked<T extends MySqlTable>(table: T, values: T['$inferInsert'], lock: LockedRow) {
      const ids = await db.insertAllLocked(table, [values], lock);
      return ids ? ids[0] : null;
    },
    async insertAllLocked<T extends MySqlTable>(table: T, rows: T['$inferInsert'][], lock: LockedRow) {
      if (!rows.length) return [];
      // INSERT … SELECT … FOR UPDATE locks the row before the ids are drawn, like SELECT … FOR UPDATE then insert.
      // Nothing else may be read here: INSERT … SELECT share-locks every row it reads.
      const columns = getTableColumns(table);
      const keys = Object.keys(columns).filter((k) => rows.some((r) => (r as Record<string, unknown>)[k] !== undefined));
      const params = rows.flatMap((r) => keys.map((k) => {
        const v = (r as Record<string, unknown>)[k];
        return v == null ? null : columns[k].mapToDriverValue(v);
      }));
      const text = lockedInsert(getTableName(table), keys.map((k) => columns[k].name), rows.length, getTableName(lock.table), lock.table.id.name);
      const [header] = (await orm.execute(sql(text, ...params, lock.id))) as unknown as [{ affectedRows: number; insertId: number }];
      return header.affectedRows ? rows.map((_, i) => Number(header.insertId) + i) : null;
    },
    matchContent(words) {
      // InnoDB leaves its stopwords and words under 3 letters out of the index, and a required
      // one (+the*) matches nothing: those words are checked with LIKE on the rows the others find.
      const short = (w: string) => [...w].length < 3;
      const indexed = words.filter((w) => !short(w) && !INNODB_STOPWORDS.has(w));
      const query = indexed.map((w) => `+${w}*`).join(' ');
      return and(
        indexed.length ? sql`MATCH(${t.messages.content}) AGAINST (${query} IN BOOLEAN MODE)` : undefined,
        ...words.filter((w) => INNODB_STOPWORDS.has(w)).map((w) => like(t.messages.content, `%${w}%`)),
        // A short word starts a word, as in the SQLite index's prefix search: "po" finds "PO 42", not "reporté".
        ...words.filter(short).map((w) => sql`${t.messages.content} REGEXP ${`(^|[^[:alnum:]])${w}`}`),
      )!;
    },
    isUniqueViolation: (err) => someCause(err, (e) => e.errno === 1062 || e.code === 'ER_DUP_ENTRY'),
    async ping() { await pool.query('SELECT 1'); },
    async close() { await pool.end(); },
  };
  return db;
}
