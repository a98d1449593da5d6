import type { SQL } from 'drizzle-orm';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import * as schema from '../../drizzle/mysql';

/** The chat tables as the services see them (the MySQL declarations; see sqlite.ts). */
export type Tables = typeof schema;
export const mysqlTables: Tables = schema;

/** What the BFF knows of the host's users table, read from its columns at start. */
export interface UsersTable {
  table: string;
  nameColumns: string[];
  hasEmail: boolean;
  hasIsActive: boolean;
}

/**
 * The storage port: one Drizzle handle plus the few things MySQL and SQLite
 * do differently. Services take it first (`listMessages(db, roomId, …)`) and
 * write their queries once; mysql.ts and sqlite.ts are its two adapters.
 *
 * `orm` is typed with the MySQL declarations for both dialects: Drizzle's
 * select/update/delete builders have the same shape in both, and the SQLite
 * adapter passes its own tables (same names and columns) at run time.
 */
/** A row that serialises writers: a room (its messages), or the one event sequence row. */
export interface LockedRow {
  table: Tables['rooms'] | Tables['eventSeq'];
  id: number;
}

export interface Db {
  readonly dialect: 'mysql' | 'sqlite';
  readonly orm: MySql2Database<Tables>;
  readonly t: Tables;
  readonly users: UsersTable;
  /** Inserts one row and returns its auto-increment id. */
  insert<T extends MySqlTable>(table: T, values: T['$inferInsert']): Promise<number>;
  /** Inserts rows, ignoring those that hit a unique key. */
  insertIgnore<T extends MySqlTable>(table: T, values: T['$inferInsert'][]): Promise<void>;
  /** Runs a raw statement and returns its rows. */
  rows<R = Record<string, unknown>>(query: SQL): Promise<R[]>;
  /** Number of rows an update or delete changed. */
  affected(result: unknown): number;
  /**
   * Runs fn in a transaction. Writes are serialised per room: `lockRoom`
   * inside fn holds the room until commit (SQLite serialises every write).
   */
  transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R>;
  /** Locks the room until commit; resolves whether it exists. */
  lockRoom(roomId: number): Promise<boolean>;
  /**
   * Locks a row until commit (a room, or the event sequence), then inserts:
   * one statement on MySQL. Resolves the new row's id, or null (and inserts
   * nothing) when there is no such row to lock.
   */
  insertLocked<T extends MySqlTable>(table: T, values: T['$inferInsert'], lock: LockedRow): Promise<number | null>;
  /** A condition matching messages whose content has every word of the query, by full-text index. */
  matchContent(words: string[]): SQL;
  isUniqueViolation(err: unknown): boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Walks an error's causes (Drizzle wraps driver errors) looking for a match. */
export function someCause(err: unknown, test: (e: Record<string, unknown>) => boolean): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e as Record<string, unknown>)) return true;
  }
  return false;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
]);

/** Whether an error means the database cannot be reached (a 503, not a bug): the driver's connection errors. */
export const isUnavailable = (err: unknown) =>
  someCause(err, (e) => e.fatal === true || (typeof e.code === 'string' && UNREACHABLE.has(e.code)));

/** Fails fast when the host's users table is missing, and notes which optional columns it has. */
export function describeUsersTable(table: string, nameColumns: string[], columns: string[]): UsersTable {
  if (columns.length === 0) throw new Error(`the users table "${table}" was not found in the database`);
  if (!columns.includes('id')) throw new Error(`the users table "${table}" has no id column`);
  return {
    table,
    nameColumns: nameColumns.filter((c) => columns.includes(c)),
    hasEmail: columns.includes('email'),
    hasIsActive: columns.includes('is_active'),
  };
}

export interface OpenOptions {
  usersTable: string;
  nameColumns: string[];
  /** Sees every statement Drizzle sends (MySQL), e.g. to EXPLAIN the hot queries in a test. */
  logQuery?: (query: string, params: unknown[]) => void;
}
