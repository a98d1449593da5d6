import type { Db, OpenOptions } from './db';
import { migrateMysql, openMysql } from './mysql';
import { migrateSqlite, openSqlite } from './sqlite';

export type { Db } from './db';

/** Opens the storage port on a `mysql://` or `sqlite:` URL. */
export function openDb(url: string, opts: OpenOptions): Promise<Db> {
  return url.startsWith('mysql://') ? openMysql(url, opts) : openSqlite(url, opts);
}

/** Applies the Drizzle migrations of the URL's dialect. */
export function migrateDb(url: string): Promise<void> {
  return url.startsWith('mysql://') ? migrateMysql(url) : migrateSqlite(url);
}
export { isUnavailable } from './db';

/** A value made once per database handle (a loader, a prepared statement, a cache), and dropped with it. */
export function perDb<T>(make: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) made.set(db, (value = make(db)));
    return value;
  };
}
export type { AttachmentRow, MemberRole, MemberRow, MessageRow, PresenceRow, RoomContextRow, RoomRow } from './db';
