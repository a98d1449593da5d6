import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDb } from '../../server/storage';
import { createTestDb, DIALECTS, type Dialect, type TestDb } from './harness';

/*
 * The five tables of the seed (the chat analysis of Import Profit Pro, section 1), as data.
 * Types are written as MySQL spells them, lower case, without integer display
 * widths; BOOLEAN stays `boolean` (MySQL stores it as tinyint(1)).
 */
type Rule = 'CASCADE' | 'RESTRICT' | 'SET NULL';
interface SeedColumn { type: string; nullable: boolean; default: string | null; extra: '' | 'auto_increment' | 'on update current_timestamp' }
interface SeedIndex { columns: string[]; unique: boolean }
interface SeedForeignKey { columns: string[]; table: string; refColumns: string[]; onUpdate: Rule; onDelete: Rule }
interface SeedTable { columns: Record<string, SeedColumn>; primaryKey: string[]; indexes: Record<string, SeedIndex>; foreignKeys: Record<string, SeedForeignKey> }

const id: SeedColumn = { type: 'bigint unsigned', nullable: false, default: null, extra: 'auto_increment' };
const ref: SeedColumn = { type: 'bigint unsigned', nullable: false, default: null, extra: '' };
const optionalRef: SeedColumn = { ...ref, nullable: true };
const createdAt: SeedColumn = { type: 'datetime', nullable: false, default: 'CURRENT_TIMESTAMP', extra: '' };
const optionalTime: SeedColumn = { type: 'datetime', nullable: true, default: null, extra: '' };
const flag: SeedColumn = { type: 'boolean', nullable: false, default: '0', extra: '' };
const varchar = (n: number, nullable = false): SeedColumn => ({ type: `varchar(${n})`, nullable, default: null, extra: '' });
const index = (...columns: string[]): SeedIndex => ({ columns, unique: false });
const fk = (column: string, table: string, onDelete: Rule): SeedForeignKey => ({ columns: [column], table, refColumns: ['id'], onUpdate: 'CASCADE', onDelete });

const SEED: Record<string, SeedTable> = {
  chat_rooms: {
    columns: {
      id,
      name: varchar(200, true),
      room_type: { type: "enum('direct','group','channel')", nullable: false, default: 'direct', extra: '' },
      created_by_id: ref,
      created_at: createdAt,
      updated_at: { ...optionalTime, extra: 'on update current_timestamp' },
    },
    primaryKey: ['id'],
    indexes: { idx_chatroom_creator: index('created_by_id'), idx_chatroom_type: index('room_type') },
    foreignKeys: { fk_chatrooms_creator: fk('created_by_id', 'users', 'RESTRICT') },
  },
  chat_room_members: {
    columns: {
      id,
      room_id: ref,
      user_id: ref,
      role: { type: "enum('member','admin','moderator')", nullable: false, default: 'member', extra: '' },
      joined_at: createdAt,
      last_read_at: optionalTime,
      is_muted: flag,
    },
    primaryKey: ['id'],
    indexes: {
      uq_room_member: { columns: ['room_id', 'user_id'], unique: true },
      idx_chatmember_room: index('room_id'),
      idx_chatmember_user: index('user_id'),
      idx_chatmember_lastread: index('last_read_at'),
    },
    foreignKeys: { fk_chatmembers_room: fk('room_id', 'chat_rooms', 'CASCADE'), fk_chatmembers_user: fk('user_id', 'users', 'CASCADE') },
  },
  chat_messages: {
    columns: {
      id,
      room_id: ref,
      sender_id: ref,
      content: { type: 'text', nullable: false, default: null, extra: '' },
      message_type: { type: "enum('text','file','system')", nullable: false, default: 'text', extra: '' },
      is_edited: flag,
      edited_at: optionalTime,
      is_deleted: flag,
      deleted_at: optionalTime,
      reply_to_id: optionalRef,
      created_at: createdAt,
    },
    primaryKey: ['id'],
    indexes: {
      idx_chatmsg_room: index('room_id'),
      idx_chatmsg_sender: index('sender_id'),
      idx_chatmsg_created: index('created_at'),
      idx_chatmsg_reply: index('reply_to_id'),
    },
    foreignKeys: {
      fk_chatmessages_room: fk('room_id', 'chat_rooms', 'CASCADE'),
      fk_chatmessages_sender: fk('sender_id', 'users', 'RESTRICT'),
      fk_chatmessages_reply: fk('reply_to_id', 'chat_messages', 'SET NULL'),
    },
  },
  chat_attachments: {
    columns: {
      id,
      message_id: ref,
      file_name: varchar(255),
      file_path: varchar(500),
      file_size: ref,
      file_type: varchar(100),
      file_extension: varchar(10),
      thumbnail_path: varchar(500, true),
      created_at: createdAt,
    },
    primaryKey: ['id'],
    indexes: { idx_chatattach_message: index('message_id'), idx_chatattach_type: index('file_type') },
    foreignKeys: { fk_chatattachments_message: fk('message_id', 'chat_messages', 'CASCADE') },
  },
  chat_message_reads: {
    columns: { id, message_id: ref, user_id: ref, read_at: createdAt },
    primaryKey: ['id'],
    indexes: {
      uq_msg_read: { columns: ['message_id', 'user_id'], unique: true },
      idx_chatread_message: index('message_id'),
      idx_chatread_user: index('user_id'),
    },
    foreignKeys: { fk_chatreads_message: fk('message_id', 'chat_messages', 'CASCADE'), fk_chatreads_user: fk('user_id', 'users', 'CASCADE') },
  },
};

/** What the chat adds to the seed, on purpose: a change here is a schema decision to review. */
const EXTRAS: Record<string, { columns: string[]; indexes: string[] }> = {
  chat_rooms: { columns: ['direct_key', 'last_message_id'], indexes: ['uq_chatroom_direct'] },
  chat_room_members: { columns: ['last_read_message_id', 'joined_event_id', 'hidden_through'], indexes: ['idx_chatmember_room_read'] },
  chat_messages: { columns: ['client_id', 'system_data'], indexes: ['uq_chatmsg_client'] },
  chat_attachments: { columns: [], indexes: [] },
  chat_message_reads: { columns: [], indexes: [] },
};
/** Indexes one dialect has for what the other does differently (search: FULLTEXT on MySQL, an FTS5 table on SQLite). */
const DIALECT_INDEXES: Record<Dialect, Record<string, string[]>> = {
  mysql: { chat_messages: ['ft_chatmsg_content'] },
  sqlite: {},
};

/** A table as one database describes it, in the seed's terms. */
interface TableFacts {
  columns: Record<string, SeedColumn>;
  primaryKey: string[];
  indexes: Record<string, SeedIndex>;
  /** Keyed by constraint name on MySQL; SQLite keeps no names, so by content there. */
  foreignKeys: Record<string, SeedForeignKey>;
}

const unquote = (v: string) => v.replace(/^'(.*)'$/, '$1');

/** MySQL/MariaDB spellings → the seed's: `bigint(20) unsigned`, `tinyint(1)`, `current_timestamp()`, quoted defaults. */
function mysqlColumn(c: Record<string, unknown>): SeedColumn {
  const rawType = String(c.COLUMN_TYPE).toLowerCase();
  const type = rawType === 'tinyint(1)' ? 'boolean' : rawType.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1');
  const raw = c.COLUMN_DEFAULT as string | null;
  const dflt = raw == null || raw === 'NULL' ? null : /^current_timestamp(\(\))?$/i.test(raw) ? 'CURRENT_TIMESTAMP' : unquote(raw);
  const extra = String(c.EXTRA).toLowerCase().replace('default_generated', '').replace('current_timestamp()', 'current_timestamp').trim();
  return { type, nullable: c.IS_NULLABLE === 'YES', default: dflt, extra: extra as SeedColumn['extra'] };
}

async function describeMysql(db: TestDb, table: string): Promise<TableFacts> {
  const cols = await db.exec(
    'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [table],
  );
  const stats = await db.exec(
    'SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
    [table],
  );
  const fks = await db.exec(
    `SELECT rc.CONSTRAINT_NAME, rc.REFERENCED_TABLE_NAME, rc.UPDATE_RULE, rc.DELETE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME
     FROM information_schema.REFERENTIAL_CONSTRAINTS rc
     JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = rc.TABLE_NAME AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
     WHERE rc.CONSTRAINT_SCHEMA = DATABASE() AND rc.TABLE_NAME = ? ORDER BY rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [table],
  );
  const indexes: Record<string, SeedIndex> = {};
  for (const s of stats) {
    const name = String(s.INDEX_NAME);
    (indexes[name] ??= { columns: [], unique: Number(s.NON_UNIQUE) === 0 }).columns.push(String(s.COLUMN_NAME));
  }
  const { PRIMARY, ...named } = indexes;
  const foreignKeys: Record<string, SeedForeignKey> = {};
  for (const f of fks) {
    const key = (foreignKeys[String(f.CONSTRAINT_NAME)] ??= {
      columns: [], table: String(f.REFERENCED_TABLE_NAME), refColumns: [], onUpdate: f.UPDATE_RULE as Rule, onDelete: f.DELETE_RULE as Rule,
    });
    key.columns.push(String(f.COLUMN_NAME));
    key.refColumns.push(String(f.REFERENCED_COLUMN_NAME));
  }
  return { columns: Object.fromEntries(cols.map((c) => [String(c.COLUMN_NAME), mysqlColumn(c)])), primaryKey: PRIMARY?.columns ?? [], indexes: named, foreignKeys };
}

/** SQLite's type affinity of a declared type (https://sqlite.org/datatype3.html §3.1). */
function affinity(declared: string): string {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (/CHAR|CLOB|TEXT/.test(t)) return 'TEXT';
  if (t.includes('BLOB') || t === '') return 'BLOB';
  if (/REAL|FLOA|DOUB/.test(t)) return 'REAL';
  return 'NUMERIC';
}

/** The affinity a seed type gets on SQLite: integers and booleans INTEGER, strings and enums TEXT, DATETIME NUMERIC as declared. */
function seedAffinity(type: string): string {
  if (/^(bigint|int|boolean)/.test(type)) return 'INTEGER';
  if (/^(varchar|text|enum)/.test(type)) return 'TEXT';
  return affinity(type);
}

const fkKey = (f: SeedForeignKey) => `${f.columns.join(',')} → ${f.table}(${f.refColumns.join(',')})`;

async function describeSqlite(db: TestDb, table: string): Promise<TableFacts> {
  const cols = await db.exec('SELECT * FROM pragma_table_info(?) ORDER BY cid', [table]);
  const list = await db.exec('SELECT * FROM pragma_index_list(?)', [table]);
  const fks = await db.exec('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq', [table]);
  const columns: Record<string, SeedColumn> = {};
  for (const c of cols) {
    const raw = c.dflt_value as string | null;
    const dflt = raw == null ? null : raw.toLowerCase() === 'false' ? '0' : raw.toLowerCase() === 'true' ? '1' : unquote(raw);
    // An INTEGER PRIMARY KEY is the rowid: SQLite numbers it itself.
    const rowid = Number(c.pk) === 1 && String(c.type).toUpperCase() === 'INTEGER';
    columns[String(c.name)] = { type: affinity(String(c.type)), nullable: Number(c.notnull) === 0 && !rowid, default: dflt, extra: rowid ? 'auto_increment' : '' };
  }
  const indexes: Record<string, SeedIndex> = {};
  for (const i of list.filter((x) => x.origin !== 'pk')) {
    const info = await db.exec('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [i.name]);
    indexes[String(i.name)] = { columns: info.map((x) => String(x.name)), unique: Number(i.unique) === 1 };
  }
  const foreignKeys: Record<string, SeedForeignKey> = {};
  const byId = new Map<number, SeedForeignKey>();
  for (const f of fks) {
    const key = byId.get(Number(f.id)) ?? { columns: [], table: String(f.table), refColumns: [], onUpdate: f.on_update as Rule, onDelete: f.on_delete as Rule };
    key.columns.push(String(f.from));
    key.refColumns.push(String(f.to));
    byId.set(Number(f.id), key);
  }
  for (const key of byId.values()) foreignKeys[fkKey(key)] = key;
  const primaryKey = cols.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));
  return { columns, primaryKey, indexes, foreignKeys };
}

/** The seed's column as SQLite can hold it: affinity-level type, and no ON UPDATE (the application sets updated_at). */
function seedOnSqlite(c: SeedColumn): SeedColumn {
  return { ...c, type: seedAffinity(c.type), extra: c.extra === 'auto_increment' ? 'auto_increment' : '' };
}

const chatTables = Object.keys(SEED);

describe.each(DIALECTS)('the schema on %s', (dialect) => {
  let db: TestDb;
  const describeTable = (table: string) => (dialect === 'mysql' ? describeMysql(db, table) : describeSqlite(db, table));
  beforeAll(async () => { db = await createTestDb(dialect); });
  afterAll(() => db?.drop());

  describe.each(chatTables)('%s', (table) => {
    const seed = SEED[table];
    let facts: TableFacts;
    beforeAll(async () => { facts = await describeTable(table); });

    it("has every seed column with the seed's type, nullability, default and extra", () => {
      for (const [name, column] of Object.entries(seed.columns)) {
        expect(facts.columns[name], `${table}.${name}`).toEqual(dialect === 'mysql' ? column : seedOnSqlite(column));
      }
      expect(facts.primaryKey).toEqual(seed.primaryKey);
    });

    it("has every seed index with the seed's columns and uniqueness", () => {
      for (const [name, idx] of Object.entries(seed.indexes)) expect(facts.indexes[name], `${table} index ${name}`).toEqual(idx);
    });

    it("has every seed foreign key with the seed's ON UPDATE and ON DELETE", () => {
      for (const [name, key] of Object.entries(seed.foreignKeys)) {
        // SQLite does not keep the names of foreign keys declared without CONSTRAINT: it is matched by content.
        expect(facts.foreignKeys[dialect === 'mysql' ? name : fkKey(key)], `${table} ${name}`).toEqual(key);
      }
      expect(Object.keys(facts.foreignKeys)).toHaveLength(Object.keys(seed.foreignKeys).length);
    });

    it('adds only the columns and indexes listed as extras', () => {
      const extraColumns = Object.keys(facts.columns).filter((c) => !(c in seed.columns));
      const extraIndexes = Object.keys(facts.indexes).filter((i) => !(i in seed.indexes));
      expect(extraColumns.sort()).toEqual([...EXTRAS[table].columns].sort());
      expect(extraIndexes.sort()).toEqual([...EXTRAS[table].indexes, ...(DIALECT_INDEXES[dialect][table] ?? [])].sort());
      // Extra columns must not make the host's inserts fail: each is nullable or has a default.
      for (const c of extraColumns) expect(facts.columns[c].nullable || facts.columns[c].default !== null, `${table}.${c}`).toBe(true);
    });
  });

  if (dialect === 'mysql') {
    it('creates InnoDB tables in utf8mb4_unicode_ci, text columns included', async () => {
      const tables = await db.exec(
        `SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${chatTables.map(() => '?').join(', ')})`,
        chatTables,
      );
      expect(tables.sort((a, b) => String(a.TABLE_NAME).localeCompare(String(b.TABLE_NAME)))).toEqual([...chatTables].sort().map((t) => ({ TABLE_NAME: t, ENGINE: 'InnoDB', TABLE_COLLATION: 'utf8mb4_unicode_ci' })));
      const collations = await db.exec(
        `SELECT DISTINCT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'chat\\_%' AND COLLATION_NAME IS NOT NULL
         AND NOT (TABLE_NAME = 'chat_reactions' AND COLUMN_NAME = 'emoji')`,
      );
      expect(collations).toEqual([{ COLLATION_NAME: 'utf8mb4_unicode_ci' }]);
      // The one exception, on purpose: emoji compared byte for byte (utf8mb4_unicode_ci weighs 👍 and 😂 alike).
      const emoji = await db.exec(
        "SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'chat_reactions' AND COLUMN_NAME = 'emoji'",
      );
      expect(emoji).toEqual([{ CHARACTER_SET_NAME: 'utf8mb4', COLLATION_NAME: 'utf8mb4_bin' }]);
      const extra = await db.exec(
        "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('chat_reactions', 'chat_mentions') ORDER BY TABLE_NAME",
      );
      expect(extra).toEqual(['chat_mentions', 'chat_reactions'].map((t) => ({ TABLE_NAME: t, ENGINE: 'InnoDB', TABLE_COLLATION: 'utf8mb4_unicode_ci' })));
    });
  }

  it('refuses a value outside an enum, as the seed ENUM does', async () => {
    await expect(db.exec("INSERT INTO chat_rooms (name, room_type, created_by_id) VALUES ('x', 'secret', 1)")).rejects.toThrow();
    await expect(db.exec("INSERT INTO chat_rooms (name, room_type, created_by_id) VALUES ('x', 'group', 1)")).resolves.toBeDefined();
  });
});

/** The host's users table as the database describes it: its DDL and its rows. */
async function usersTable(db: TestDb) {
  const ddl = db.dialect === 'mysql'
    ? (await db.exec('SHOW CREATE TABLE users'))[0]['Create Table']
    : (await db.exec("SELECT sql FROM sqlite_master WHERE name = 'users'"))[0].sql;
  const rows = await db.exec('SELECT * FROM users ORDER BY id');
  return { ddl, rows: JSON.parse(JSON.stringify(rows)) };
}

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  it("never create, alter or write the host's users table, and can run twice", async () => {
    const db = await createTestDb(dialect, undefined, { migrate: false });
    try {
      const before = await usersTable(db);
      await migrateDb(db.url);
      const tables = async () => (dialect === 'mysql'
        ? await db.exec('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME')
        : await db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => String(r.name));
      const migrated = await tables();
      expect(migrated).toEqual(expect.arrayContaining([...chatTables, 'users']));
      expect(await usersTable(db)).toEqual(before);

      await migrateDb(db.url);
      expect(await tables()).toEqual(migrated);
      expect(await usersTable(db)).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  if (dialect === 'mysql') {
    it('stop with a clear error, and create nothing, when the users table is missing', async () => {
      const db = await createTestDb(dialect, [], { usersTable: false, migrate: false });
      try {
        await expect(migrateDb(db.url)).rejects.toThrow(/users table.*not found/);
        expect(await db.exec('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')).toEqual([]);
      } finally {
        await db.drop();
      }
    });
  }
});

/** `npm run db:migrate` as an operator runs it: exit code and what it prints. */
async function dbMigrate(url: string) {
  const env = { ...process.env, DATABASE_URL: url, CHAT_JWT_SECRET: '', CHAT_DEMO: '' };
  try {
    const { stdout, stderr } = await promisify(execFile)('node_modules/.bin/tsx', ['server/migrate.ts'], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(DIALECTS)('npm run db:migrate on %s', (dialect) => {
  it('applies the migrations and exits 0', async () => {
    const db = await createTestDb(dialect, undefined, { migrate: false });
    try {
      const result = await dbMigrate(db.url);
      expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('migrations applied');
      const rooms = await db.exec('SELECT COUNT(*) AS n FROM chat_rooms');
      expect(Number(rooms[0].n)).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('exits non-zero with one clear line when the users table is missing, creating nothing', async () => {
    const db = await createTestDb(dialect, [], { usersTable: false, migrate: false });
    try {
      const result = await dbMigrate(db.url);
      expect(result.code).not.toBe(0);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/users table.*not found/);
      const tables = dialect === 'mysql'
        ? await db.exec('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')
        : await db.exec("SELECT name FROM sqlite_master WHERE type = 'table'");
      expect(tables).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
