import type { Column, SQL } from 'drizzle-orm';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import * as schema from '../../drizzle/mysql';
import type * as sqlite from '../../drizzle/sqlite';
import type { UserLookup } from './users';

/**
 * The chat tables as the services write queries against them. Drizzle has a
 * query builder per dialect and no type common to both: the services are
 * typed with one set of declarations, and the SQLite adapter hands them its
 * own tables, which have the same names, columns and rows (checked below).
 */
export type Tables = typeof schema;
export const tables: Tables = schema;

/** A row of each chat table: the same in both dialects. */
export type { AttachmentRow, MemberRow, MessageRow, RoomContextRow, RoomRow } from '../../drizzle/mysql';
export type MemberRole = Tables['members']['$inferSelect']['role'];
export type { PresenceRow } from '../../drizzle/mysql';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type TableName = 'rooms' | 'members' | 'messages' | 'attachments' | 'messageReads' | 'roomContexts' | 'events' | 'eventSeq' | 'presence'
  | 'reactions' | 'mentions' | 'webhookCursor' | 'webhookDeliveries' | 'preferences' | 'emailState' | 'leases';
/** Compiles only while every chat table gives the same rows in both dialects. */
export const dialectsAgree: { [N in TableName]: Same<Tables[N]['$inferSelect'], (typeof sqlite)[N]['$inferSelect']> } = {
  rooms: true, members: true, messages: true, attachments: true, messageReads: true, roomContexts: true, events: true, eventSeq: true, presence: true,
  reactions: true, mentions: true, webhookCursor: true, webhookDeliveries: true, preferences: true, emailState: true, leases: true,
};

/** A row that serialises writers: a room (its messages), or the one event sequence row. */
export interface LockedRow {
  table: Tables['rooms'] | Tables['eventSeq'];
  id: number;
}

/**
 * The storage port: one Drizzle handle plus the few things MySQL and SQLite
 * do differently, and the host's users. Services take it first
 * (`listMessages(db, me, roomId, …)`) and write their queries once; mysql.ts
 * and sqlite.ts are its two adapters.
 */
export interface Db {
  readonly dialect: 'mysql' | 'sqlite';
  /** Names the database (the MySQL schema, the SQLite file's path): instances on one database share it. */
  readonly name: string;
  readonly orm: MySql2Database<Tables>;
  readonly t: Tables;
  readonly users: UserLookup;
  /** Inserts one row and returns its auto-increment id. */
  insert<T extends MySqlTable>(table: T, values: T['$inferInsert']): Promise<number>;
  /** Inserts rows, ignoring those that hit a unique key; resolves how many were inserted. */
  insertIgnore<T extends MySqlTable>(table: T, values: T['$inferInsert'][]): Promise<number>;
  /** Inserts a row, or updates `set` on the row its primary key `target` already names. */
  upsert<T extends MySqlTable>(table: T, values: T['$inferInsert'], target: Column, set: Partial<T['$inferInsert']>): Promise<void>;
  /**
   * Which of these users have a feed open on some instance: the event hub's
   * answer, attached by createApp; absent, everyone is offline.
   */
  online?(ids: number[]): Promise<Set<number>>;
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
  /**
   * insertLocked for several rows, inserted in their order: one statement on
   * MySQL. Their ids follow each other only when every insert into the table
   * takes that lock (the events, under the sequence's).
   */
  insertAllLocked<T extends MySqlTable>(table: T, rows: T['$inferInsert'][], lock: LockedRow): Promise<number[] | null>;
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

export interface OpenOptions {
  usersTable: string;
  nameColumns: string[];
  /** Sees every statement sent on MySQL (Drizzle's and the users table's lookups), e.g. to EXPLAIN the hot queries in a test. */
  logQuery?: (query: string, params: unknown[]) => void;
}
